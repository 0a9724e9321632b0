import PlanBuildSupport

/// The members of a JSON object as a record decoder takes them: a member of the wrong type, or a
/// number outside its range, throws `Corrupt`; an absent (or null) optional member is nil.
struct RecordFields {
    struct Corrupt: Error {}

    let object: JSONObject

    init(_ object: JSONObject) { self.object = object }

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(Corrupt) -> String {
        guard let value = try optionalString(key) else { throw Corrupt() }
        return value
    }

    func optionalString(_ key: String) throws(Corrupt) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw Corrupt() }
        return text
    }

    func number(_ key: String, in range: ClosedRange<Int>) throws(Corrupt) -> Int? {
        guard let value = present(key) else { return nil }
        guard let number = value.intValue(in: range) else { throw Corrupt() }
        return number
    }

    func required(_ key: String, in range: ClosedRange<Int>) throws(Corrupt) -> Int {
        guard let number = try number(key, in: range) else { throw Corrupt() }
        return number
    }

    func object(_ key: String) throws(Corrupt) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard let members = value.objectValue else { throw Corrupt() }
        return members
    }

    func array(_ key: String) throws(Corrupt) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let elements = value.arrayValue else { throw Corrupt() }
        return elements
    }
}
