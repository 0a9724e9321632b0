import PlanBuildSupport

/// Where a shared build cache lives and what this machine may do with it: the `incremental.remote`
/// object of run-configuration.json, `{"url": …, "read": true, "write": false,
/// "token_env": "PLANBUILD_CACHE_TOKEN", "timeout_seconds": 5, "budget_seconds": 120}`, overridden by the environment
/// variable `PLANBUILD_REMOTE_CACHE` (a URL) and by orchestrate's `--remote-cache URL` and
/// `--remote-cache-write`. The usual set-up: CI writes (`--remote-cache-write`), laptops read.
public struct RemoteCacheSettings: Equatable, Sendable {
    public var url: String
    public var read = true
    public var write = false
    /// The environment variable holding the bearer token; the token itself is never stored here.
    public var tokenEnvironment = "PLANBUILD_CACHE_TOKEN"
    /// Where the token is read: the run's caller's environment (the build server's client's);
    /// nil: this process's.
    var environment: [String]?
    /// The deadline of one request, for the whole exchange (a blob gets one second more per MiB
    /// it declares: RemoteCache.deadline). At most 600.
    public var timeoutSeconds = 5.0
    /// All requests of one run together: once this much time was spent waiting for the server,
    /// the run asks it nothing more and builds. At most 3600.
    public var budgetSeconds = 120.0

    public init(url: String) { self.url = url }

    /// Makes the transport of a `grpc://` remote cache (a REAPI server's ActionCache and CAS): a
    /// layer above the cache's provides it.
    package typealias GrpcTransport = @Sendable (RemoteCacheSettings) throws(PlanBuildError) -> any RemoteTransporting

    /// A REAPI server (`grpc://`, `grpcs://`) rather than an HTTP cache.
    package var isGrpc: Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("grpc://") || lower.hasPrefix("grpcs://")
    }

    /// From the `remote` object; nil when it has no URL.
    static func parse(_ object: JSONObject?) -> RemoteCacheSettings? {
        guard let object, let url = object["url"]?.stringValue, !url.isEmpty else { return nil }
        var settings = RemoteCacheSettings(url: url)
        settings.read = object["read"]?.boolValue ?? true
        settings.write = object["write"]?.boolValue ?? false
        if let name = object["token_env"]?.stringValue, !name.isEmpty { settings.tokenEnvironment = name }
        if let seconds = object["timeout_seconds"]?.doubleValue ?? object["timeout_seconds"]?.intValue.map(Double.init),
           seconds > 0 { settings.timeoutSeconds = min(seconds, 600) }
        if let seconds = object["budget_seconds"]?.doubleValue ?? object["budget_seconds"]?.intValue.map(Double.init),
           seconds > 0 { settings.budgetSeconds = min(seconds, 3600) }
        return settings
    }

    /// The settings a run uses: the file's, then the environment's URL, then the caller's
    /// (`--remote-cache`, `--remote-cache-write`). nil: no remote cache.
    public static func resolve(file: RemoteCacheSettings?, url: String?, write: Bool, environment: [String]? = nil) -> RemoteCacheSettings? {
        var settings = file
        if let configured = ProcessEnvironment.value("PLANBUILD_REMOTE_CACHE", in: environment), !configured.isEmpty {
            if settings == nil { settings = RemoteCacheSettings(url: configured) } else { settings!.url = configured }
        }
        if let url, !url.isEmpty {
            if settings == nil { settings = RemoteCacheSettings(url: url) } else { settings!.url = url }
        }
        if write { settings?.write = true }
        settings?.environment = environment
        return settings
    }

    /// The base URL without a trailing slash, or why it cannot be used.
    var baseURL: Result<String, PlanBuildError> {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        let lower = base.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || isGrpc else {
            return .failure(PlanBuildError(.invalidValue, "the remote cache URL must start with http://, https:// or grpc://"))
        }
        return .success(base)
    }

    /// The token from the named environment variable, when set.
    var token: String? {
        guard let value = ProcessEnvironment.value(tokenEnvironment, in: environment), !value.isEmpty else { return nil }
        return value
    }
}
