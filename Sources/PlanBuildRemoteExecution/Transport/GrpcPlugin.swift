import PlanBuildCache
import PlanBuildSupport

/// `pbr_grpc_call` of the remote plugin (Sources/PlanBuildRemote/include/planbuild_remote.h),
/// looked up once in the plugin the remote cache opens too.
struct GrpcPlugin: @unchecked Sendable {
    typealias Source = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int) -> Int
    typealias Sink = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> Int32
    typealias Cancelled = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias CallFunction = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<UInt8>?, Int, Source?, Double, Int, Sink?, Cancelled?,
        UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>, Int) -> Int32

    let call: CallFunction

    static func shared() throws(RemoteExecutionError) -> GrpcPlugin {
        switch loaded {
        case .success(let plugin): return plugin
        case .failure(let error): throw error
        }
    }

    private static let loaded: Result<GrpcPlugin, RemoteExecutionError> = {
        let library: PluginLibrary
        switch RemoteTransport.plugin {
        case .success(let opened): library = opened
        case .failure(let error):
            return .failure(RemoteExecutionError(.local,
                "remote execution needs \(RemoteTransport.libraryName) beside the library (swift build -c release --product planbuild-remote): \(error)"))
        }
        // A plugin from before gRPC (only pbr_request) is refused by name, never called.
        guard let symbol = library.symbol("pbr_grpc_call") else {
            return .failure(RemoteExecutionError(.local, "\(library.path) lacks pbr_grpc_call (an older plugin?)"))
        }
        return .success(GrpcPlugin(call: unsafeBitCast(symbol, to: CallFunction.self)))
    }()
}
