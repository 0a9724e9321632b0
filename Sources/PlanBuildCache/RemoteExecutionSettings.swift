import PlanBuildSupport

/// Where a run's builds are executed when not on this machine: the `incremental.remote_execution`
/// object of run-configuration.json, `{"url": "grpc://HOST:PORT", "instance": "main",
/// "timeout_seconds": 10}`, overridden by orchestrate's `--remote-execution URL` and `--instance
/// NAME`. A Remote Execution API (REAPI v2) server: BuildGrid, Buildbarn, BuildBuddy, NativeLink.
public struct RemoteExecutionSettings: Equatable, Sendable {
    public var url: String
    /// The server's instance name ("" is the default instance).
    public var instance = ""
    /// The deadline of one call that moves no build output (lookups, uploads of small blobs); a
    /// blob gets a second more per MiB, an execution its build's timeout more. At most 600.
    public var timeoutSeconds = 10.0

    public init(url: String, instance: String = "") {
        self.url = url
        self.instance = instance
    }

    /// From the `remote_execution` object; nil when it has no URL.
    static func parse(_ object: JSONObject?) -> RemoteExecutionSettings? {
        guard let object, let url = object["url"]?.stringValue, !url.isEmpty else { return nil }
        var settings = RemoteExecutionSettings(url: url, instance: object["instance"]?.stringValue ?? "")
        if let seconds = object["timeout_seconds"]?.doubleValue ?? object["timeout_seconds"]?.intValue.map(Double.init),
           seconds > 0 { settings.timeoutSeconds = min(seconds, 600) }
        return settings
    }

    /// The settings a run uses: the file's, then the caller's URL and instance. nil: every build
    /// runs on this machine.
    public static func resolve(file: RemoteExecutionSettings?, url: String?, instance: String?) -> RemoteExecutionSettings? {
        var settings = file
        if let url, !url.isEmpty {
            if settings == nil { settings = RemoteExecutionSettings(url: url) } else { settings!.url = url }
        }
        if let instance { settings?.instance = instance }
        return settings
    }

    /// The caller's options checked before anything runs: an instance names one of a server's,
    /// so it means nothing without the server.
    public static func validate(url: String?, instance: String?) throws(PlanBuildError) {
        if instance != nil && (url ?? "").isEmpty {
            throw PlanBuildError(.invalidRequest, "instance needs remote_execution (--remote-execution grpc://HOST:PORT)")
        }
        if let url, !url.isEmpty, !Self.isGrpcURL(url) {
            throw PlanBuildError(.invalidValue, "the remote execution URL must start with grpc:// (given: \(url))")
        }
    }

    /// `grpc://` (cleartext HTTP/2) or `grpcs://`.
    public static func isGrpcURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("grpc://") || lower.hasPrefix("grpcs://")
    }
}
