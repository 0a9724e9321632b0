import PlanBuildSupport
import PlanBuildExecution

// The C entry points of libplanbuild.so, declared in include/planbuild.h. Each one routes to a
// handler through Boundary; marshalling lives there, behaviour in the core. The shared object
// exports exactly these symbols (Sources/PlanBuildABI/exports.map).

/// Changes whenever a request or reply changes incompatibly; must equal PB_ABI_VERSION.
let abiVersion: Int32 = 3

@_cdecl("pb_abi_version")
public func pb_abi_version() -> Int32 { abiVersion }

/// PlanBuild's release version ("0.1.0"): a static string of the library, never freed.
@_cdecl("pb_version")
public func pb_version() -> UnsafePointer<CChar> { PlanBuildVersion.cString }

@_cdecl("pb_free")
public func pb_free(_ text: UnsafeMutablePointer<CChar>?) { free(text) }

@_cdecl("pb_resolve")
public func pb_resolve(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.resolve)
}

@_cdecl("pb_query")
public func pb_query(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, QueryHandlers.query)
}

@_cdecl("pb_execute")
public func pb_execute(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request) { (request: Request) throws(PlanBuildError) -> JSONValue in
        try SingleBuildHandlers.execute(request)
    }
}

@_cdecl("pb_execute_start")
public func pb_execute_start(_ request: UnsafePointer<CChar>?) -> Int64 {
    startedJob(request) { (request: Request, waiting: Waiting) throws(PlanBuildError) -> JSONValue in
        try SingleBuildHandlers.execute(request, waiting: waiting)
    }
}

/// A handler on a job's thread with the job's wait (pb_cancel, pb_detach); the request is read at once.
private func startedJob(_ request: UnsafePointer<CChar>?,
                        _ handler: @escaping @Sendable (Request, Waiting) throws(PlanBuildError) -> JSONValue) -> Int64 {
    let decoded = Boundary.decoded(request)
    return Jobs.start { _, job in
        Boundary.handle(decoded) { (request: Request) throws(PlanBuildError) -> JSONValue in try handler(request, job.waiting) }
    }
}

@_cdecl("pb_parse")
public func pb_parse(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.parse)
}

@_cdecl("pb_filter_warnings")
public func pb_filter_warnings(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.filterWarnings)
}

@_cdecl("pb_format")
public func pb_format(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.format)
}

@_cdecl("pb_timeout_get")
public func pb_timeout_get(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.timeoutGet)
}

@_cdecl("pb_timeout_set")
public func pb_timeout_set(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.timeoutSet)
}

@_cdecl("pb_run_config")
public func pb_run_config(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, RunConfigHandlers.runConfig)
}

@_cdecl("pb_cache")
public func pb_cache(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, CacheHandlers.cache)
}

@_cdecl("pb_create_log_file")
public func pb_create_log_file(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request, SingleBuildHandlers.createLogFile)
}

@_cdecl("pb_run")
public func pb_run(_ request: UnsafePointer<CChar>?, _ callback: ProgressCallback?,
                   _ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>? {
    let (handle, job) = Jobs.register()
    defer { Jobs.remove(handle) }
    return Boundary.answer(request) { (request: Request) throws(PlanBuildError) -> JSONValue in
        try OrchestrationHandlers.run(request, handle: handle, waiting: job.waiting,
                                      progress: ProgressSink(callback: callback, context: context))
    }
}

@_cdecl("pb_run_start")
public func pb_run_start(_ request: UnsafePointer<CChar>?, _ callback: ProgressCallback?,
                         _ context: UnsafeMutableRawPointer?) -> Int64 {
    let decoded = Boundary.decoded(request)
    let progress = ProgressSink(callback: callback, context: context)
    return Jobs.start { handle, job in
        Boundary.handle(decoded) { (request: Request) throws(PlanBuildError) -> JSONValue in
            try OrchestrationHandlers.run(request, handle: handle, waiting: job.waiting, progress: progress)
        }
    }
}

@_cdecl("pb_script")
public func pb_script(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Boundary.answer(request) { (request: Request) throws(PlanBuildError) -> JSONValue in
        try ScriptHandlers.script(request)
    }
}

@_cdecl("pb_script_start")
public func pb_script_start(_ request: UnsafePointer<CChar>?) -> Int64 {
    startedJob(request) { (request: Request, waiting: Waiting) throws(PlanBuildError) -> JSONValue in
        try ScriptHandlers.script(request, waiting: waiting)
    }
}

@_cdecl("pb_wait")
public func pb_wait(_ handle: Int64) -> UnsafeMutablePointer<CChar>? {
    Boundary.reply(Jobs.wait(handle))
}

@_cdecl("pb_cancel")
public func pb_cancel(_ handle: Int64) -> Int32 {
    Jobs.cancel(handle) ? 1 : 0
}

@_cdecl("pb_detach")
public func pb_detach(_ handle: Int64) -> Int32 {
    Jobs.detach(handle) ? 1 : 0
}
