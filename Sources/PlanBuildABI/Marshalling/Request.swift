import PlanBuildCore

/// A request the caller got wrong; answered as `{"status":"error","error":"invalid_request",…}`.
struct InvalidRequest: Error {
    let message: String
}

/// Typed access to the members of a request object, with errors that name the member and the
/// type it needs, so a caller can fix the call from the message alone.
struct Request {
    let object: JSONObject

    init(_ value: JSONValue) throws(InvalidRequest) {
        guard let object = value.objectValue else { throw InvalidRequest(message: "the request must be a JSON object") }
        self.object = object
    }

    func string(_ key: String) throws(InvalidRequest) -> String {
        guard let value = try optionalString(key) else { throw InvalidRequest(message: "\"\(key)\" is required (a string)") }
        return value
    }

    func optionalString(_ key: String) throws(InvalidRequest) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw InvalidRequest(message: "\"\(key)\" must be a string") }
        if text.utf8.contains(0) { throw InvalidRequest(message: "\"\(key)\" must not contain a NUL character") }
        return text
    }

    func int(_ key: String) throws(InvalidRequest) -> Int {
        guard let value = try optionalInt(key) else { throw InvalidRequest(message: "\"\(key)\" is required (an integer)") }
        return value
    }

    func optionalInt(_ key: String, range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(InvalidRequest) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.intValue else { throw InvalidRequest(message: "\"\(key)\" must be an integer") }
        guard range.contains(number) else {
            throw InvalidRequest(message: "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func optionalBool(_ key: String) throws(InvalidRequest) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw InvalidRequest(message: "\"\(key)\" must be true or false") }
        return flag
    }

    func optionalArray(_ key: String) throws(InvalidRequest) -> [JSONValue]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let list = value.arrayValue else { throw InvalidRequest(message: "\"\(key)\" must be an array") }
        return list
    }

    func optionalObject(_ key: String) throws(InvalidRequest) -> JSONObject? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let members = value.objectValue else { throw InvalidRequest(message: "\"\(key)\" must be an object") }
        return members
    }

    func stringList(_ key: String) throws(InvalidRequest) -> [String]? {
        guard let list = try optionalArray(key) else { return nil }
        var strings: [String] = []
        for element in list {
            guard let text = element.stringValue else { throw InvalidRequest(message: "\"\(key)\" must be an array of strings") }
            strings.append(text)
        }
        return strings
    }

    /// `project_dir` (default `.`) and `plan_dir_name` (default `.plan`).
    func layout() throws(InvalidRequest) -> ProjectLayout {
        ProjectLayout(projectDir: try optionalString("project_dir") ?? ".", planDirName: try optionalString("plan_dir_name"))
    }

    func enumValue<E: RawRepresentable>(_ key: String, default fallback: E) throws(InvalidRequest) -> E
    where E.RawValue == String {
        guard let text = try optionalString(key) else { return fallback }
        guard let value = E(rawValue: text) else { throw InvalidRequest(message: "\"\(key)\" has an unknown value '\(text)'") }
        return value
    }

    func system() throws(InvalidRequest) -> BuildSystem {
        let name = try string("system")
        guard let system = BuildSystem(name: name) else {
            throw InvalidRequest(message: "unknown build system '\(name)'; known: maven, gradle, npm")
        }
        return system
    }
}

/// Reply helpers.
enum Reply {
    static func success(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("status", .string("success"))] + members))
    }

    static func error(_ kind: String, _ message: String) -> JSONValue {
        .object(JSONObject([("status", "error"), ("error", .string(kind)), ("message", .string(message))]))
    }
}
