import PlanBuildSupport
import PlanBuildModel

/// The `run_config` operations beyond timeouts (plan-marshall's manage-run-config interface):
/// accepted warnings by category, profile → canonical command mappings, extension defaults,
/// `init` and `validate`. Every change is one locked read-modify-write of run-configuration.json
/// (LockedJSONFile), so values PlanBuild does not own survive as written and concurrent writers lose nothing; a
/// rejected argument is refused before the file is touched.
public enum RunConfigEdit: Sendable {
    /// A value given on a command line is JSON when it parses, else the text itself; a value
    /// from Python is already JSON.
    public enum Value: Sendable {
        case json(JSONValue)
        case text(String)

        var resolved: JSONValue {
            switch self {
            case .json(let value): return value
            case .text(let text): return (try? JSONParser.parse(text)) ?? .string(text)
            }
        }
    }

    case initialize(force: Bool)
    case validate(file: String?)
    case warningAdd(system: String, category: String, pattern: String)
    case warningList(system: String, category: String?)
    case warningRemove(system: String, category: String, pattern: String)
    case profileSet(profile: String, canonical: String)
    case profileGet(profile: String)
    case profileList(canonical: String?)
    case profileRemove(profile: String)
    /// `mappings` is the JSON text of an object profile → canonical, as the CLI receives it.
    case profileBatchSet(mappings: String)
    case defaultsGet(key: String)
    case defaultsSet(key: String, value: Value)
    case defaultsSetDefault(key: String, value: Value)
    case defaultsList
    case defaultsRemove(key: String)

    public static let warningCategories = ["transitive_dependency", "plugin_compatibility", "platform_specific"]
    public static let profileCanonicals = ["integration-tests", "coverage", "benchmark", "quality-gate", "skip"]

    /// What an operation did: the members of the reply, in order, and their TOON lines.
    public struct Answer {
        public let members: [(String, JSONValue)]
        public var text: String { TabToon.lines(JSONObject([("status", "success")] + members)) }
    }

    public func perform(in layout: ProjectLayout) throws(PlanBuildError) -> Answer {
        let file = RunConfiguration(layout: layout)
        switch self {
        case .initialize(let force): return try RunConfigInit.initialize(file, force: force)
        case .validate(let path): return try RunConfigInit.validate(path ?? file.path)
        case .warningAdd, .warningList, .warningRemove: return try WarningCategories.perform(self, file)
        case .profileSet, .profileGet, .profileList, .profileRemove, .profileBatchSet:
            return try ProfileMappings.perform(self, file)
        case .defaultsGet, .defaultsSet, .defaultsSetDefault, .defaultsList, .defaultsRemove:
            return try ExtensionDefaults.perform(self, file)
        }
    }

    static func check(_ value: String, in allowed: [String], _ what: String,
                      code: PlanBuildError.Code = .invalidValue) throws(PlanBuildError) {
        guard allowed.contains(value) else {
            throw PlanBuildError(code, "Invalid \(what) '\(value)'; valid: \(allowed.joined(separator: ", "))")
        }
    }

    /// The object at `key` of `document`; absent gives an empty one, anything else is refused
    /// (PlanBuild never replaces a value it does not understand).
    package static func section(_ key: String, of document: JSONObject, path: String) throws(PlanBuildError) -> JSONObject {
        guard let value = document[key], !value.isNull else { return JSONObject() }
        guard let object = value.objectValue else {
            throw PlanBuildError(.configurationInvalid, "\(path): \"\(key)\" must be an object: fix it (PlanBuild does not overwrite it)")
        }
        return object
    }
}
