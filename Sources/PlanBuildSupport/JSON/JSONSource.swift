/// How a parsed JSON document was written, part by part: the text of every number and string
/// (and of every object key) exactly as it stood in the file.
///
/// PlanBuild rewrites files other tools share (run-configuration.json). A JSONValue cannot hold
/// `12345678901234567890`, `1e400` or a lone surrogate `"\ud800"` as written, so writing the
/// value back would change what PlanBuild does not own. JSONWriter uses this map to give back
/// every number and string that is still the value read from that place, as its original text.
public indirect enum JSONSource: Sendable {
    /// Nothing recorded (a value PlanBuild added, `true`/`false`/`null`).
    case none
    /// A number or string: its text as written, and the value it was read as.
    case scalar(String, JSONValue)
    case array([JSONSource])
    /// Each member by its key: the key's text as written (quotes included) and its value's source.
    case object([String: (key: String, source: JSONSource)])

    /// The original text of `value` when it is still the value read from this place.
    func text(of value: JSONValue) -> String? {
        if case .scalar(let text, let original) = self, original == value { return text }
        return nil
    }

    func element(_ index: Int) -> JSONSource {
        if case .array(let elements) = self, index < elements.count { return elements[index] }
        return .none
    }

    func member(_ key: String) -> (key: String, source: JSONSource)? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}
