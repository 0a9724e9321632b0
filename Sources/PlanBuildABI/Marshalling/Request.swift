import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildScripts

/// Typed access to the members of a request object, as include/planbuild.h states them: a
/// required member that is missing, or any member of the wrong type, is `invalid_request` with a
/// message naming the member and what it must be. Optional members (`?` in the header) give nil
/// when absent or null; their defaults live in the core, never here.
struct Request {
    let object: JSONObject

    init(_ value: JSONValue) throws(PlanBuildError) {
        guard let object = value.objectValue else { throw invalid("the request must be a JSON object") }
        self.object = object
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    private func missing(_ key: String, _ what: String) -> PlanBuildError {
        invalid("\"\(key)\" is required (\(what))")
    }

    func string(_ key: String) throws(PlanBuildError) -> String {
        guard let value = try optionalString(key) else { throw missing(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws(PlanBuildError) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw invalid("\"\(key)\" must be a string") }
        if text.utf8.contains(0) { throw invalid("\"\(key)\" must not contain a NUL character") }
        return text
    }

    func int(_ key: String, range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(PlanBuildError) -> Int {
        guard let value = try optionalInt(key, range: range) else { throw missing(key, "an integer") }
        return value
    }

    func optionalInt(_ key: String, range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(PlanBuildError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let number = value.intValue else { throw invalid("\"\(key)\" must be an integer") }
        guard range.contains(number) else {
            throw invalid("\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    /// A timeout in seconds, checked by the core's one rule (TimeoutLimits): above a year is a
    /// year, zero or less is refused.
    func optionalTimeout(_ key: String) throws(PlanBuildError) -> Int? {
        guard let value = present(key) else { return nil }
        return try TimeoutLimits.checked(value, "\"\(key)\"")
    }

    func optionalBool(_ key: String) throws(PlanBuildError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = value.boolValue else { throw invalid("\"\(key)\" must be true or false") }
        return flag
    }

    func array(_ key: String) throws(PlanBuildError) -> [JSONValue] {
        guard let list = try optionalArray(key) else { throw missing(key, "an array") }
        return list
    }

    func optionalArray(_ key: String) throws(PlanBuildError) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let list = value.arrayValue else { throw invalid("\"\(key)\" must be an array") }
        return list
    }

    func object(_ key: String, _ what: String) throws(PlanBuildError) -> JSONObject {
        guard let members = try optionalObject(key) else { throw missing(key, what) }
        return members
    }

    func optionalObject(_ key: String) throws(PlanBuildError) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard let members = value.objectValue else { throw invalid("\"\(key)\" must be an object") }
        return members
    }

    func stringList(_ key: String) throws(PlanBuildError) -> [String]? {
        guard let list = try optionalArray(key) else { return nil }
        var strings: [String] = []
        for element in list {
            guard let text = element.stringValue else { throw invalid("\"\(key)\" must be an array of strings") }
            strings.append(text)
        }
        return strings
    }

    /// A string split like shell words, or an array of words (joined so that splitting gives them back).
    func words(_ key: String) throws(PlanBuildError) -> String? {
        if present(key)?.arrayValue != nil, let words = try stringList(key) { return ShellWords.join(words) }
        return try optionalString(key)
    }

    /// An object of variable name → string value, in the request's order, or a text of
    /// `NAME=value` words (split by the core like a build's arguments).
    func environment(_ key: String) throws(PlanBuildError) -> [(name: String, value: String)] {
        if let text = present(key)?.stringValue { return try ProcessEnvironment.assignments(text) }
        guard let members = try optionalObject(key) else { return [] }
        var variables: [(name: String, value: String)] = []
        for (name, value) in members.entries {
            guard let text = value.stringValue, !name.isEmpty, !name.contains("="), !name.utf8.contains(0), !text.utf8.contains(0) else {
                throw invalid("\"\(key)\" must map variable names to strings, or be a text of NAME=value words")
            }
            variables.append((name, text))
        }
        return variables
    }

    /// `project_dir?`, `plan_base_dir?`, `project_dir_option?`, `plan_dir_name?` and `plan_id?`,
    /// read by the generation's rule (ScriptPlace: which one names the project, where plan state is).
    func layout() throws(PlanBuildError) -> ProjectLayout {
        var planId = try optionalString("plan_id")
        if let id = planId { planId = try ScriptPlace.checkedPlanId(id) }
        return ScriptPlace.layout(try generation(), projectDirOption: try optionalString("project_dir_option"),
                                  planBaseDir: try optionalString("plan_base_dir"), given: try optionalString("project_dir"),
                                  planDirName: try optionalString("plan_dir_name"), planId: planId)
    }

    /// `generation?` ("spec" | "today"), else the one of `script_path?` (where the calling module
    /// is installed), else the contract's.
    func generation() throws(PlanBuildError) -> ScriptGeneration {
        let explicit = try optionalString("generation")
        guard let generation = ScriptNotations.generation(explicit: explicit, scriptPath: try optionalString("script_path")) else {
            throw invalid("\"generation\" must be one of \(ScriptGeneration.allCases.map(\.rawValue).joined(separator: ", ")), not '\(explicit ?? "")'")
        }
        return generation
    }

    func enumValue<E: RawRepresentable>(_ key: String) throws(PlanBuildError) -> E? where E.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = E(rawValue: text) else { throw invalid("\"\(key)\" has an unknown value '\(text)'") }
        return value
    }

    func system() throws(PlanBuildError) -> BuildSystem {
        let name = try string("system")
        guard let system = BuildSystem(name: name) else {
            throw invalid("unknown build system '\(name)'; known: \(BuildSystem.namesText)")
        }
        return system
    }
}

func invalid(_ message: String) -> PlanBuildError { PlanBuildError(.invalidRequest, message) }

/// Reply encoding.
enum Reply {
    static func success(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("status", .string("success"))] + members))
    }

    static func error(_ error: PlanBuildError) -> JSONValue {
        .object(JSONObject([("status", "error"), ("error", .string(error.code.rawValue)), ("message", .string(error.message))]))
    }
}
