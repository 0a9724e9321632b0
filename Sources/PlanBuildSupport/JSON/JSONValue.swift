/// A JSON document as PlanBuild reads and writes it.
///
/// Objects keep their keys in insertion order: result fields have a documented order, and
/// files PlanBuild rewrites (run-configuration.json) keep the order their owners gave them.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Whole numbers, also when written as 12.0; nil for anything else.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.isFinite, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
            return Int(value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// An insertion-ordered JSON object. A repeated key keeps its first position and takes the last
/// value, as Python's json does.
///
/// Most objects are small (a module's `paths`, a request), and a file of thousands of modules
/// holds hundreds of thousands of them, so a small object is its entries alone and a lookup
/// compares keys in order. Above `indexedCount` keys an index of the positions keeps lookups and
/// inserts constant-time, so a request or a run-configuration.json with thousands of keys still
/// reads in linear time.
public struct JSONObject: Equatable, Sendable, Sequence {
    public private(set) var entries: [(key: String, value: JSONValue)] = []
    /// Each key's position in `entries`; nil while the object has `indexedCount` keys or fewer.
    private var index: [String: Int]?

    /// Up to this many keys, comparing them in order is as fast as hashing one key, and costs
    /// no memory beyond the entries.
    static let indexedCount = 12

    public init() {}

    public init(_ entries: [(String, JSONValue)]) {
        self.entries.reserveCapacity(entries.count)
        for (key, value) in entries { self[key] = value }
    }

    /// Entries whose keys are all different, as the parser collects them, and their index when
    /// there are more than `indexedCount` of them.
    init(distinctEntries entries: [(key: String, value: JSONValue)], index: [String: Int]?) {
        self.entries = entries
        self.index = index
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    /// Where `key` is in `entries`.
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        return Self.position(of: key, in: entries[...])
    }

    /// The position of `key` in `entries` (absolute, as the slice's indices are), by comparing in order.
    static func position(of key: String, in entries: ArraySlice<(key: String, value: JSONValue)>) -> Int? {
        var position = entries.startIndex
        while position < entries.endIndex {
            if entries[position].key == key { return position }
            position += 1
        }
        return nil
    }

    /// The index of `entries` (positions counted from the slice's start), for more than `indexedCount`.
    static func makeIndex(_ entries: ArraySlice<(key: String, value: JSONValue)>) -> [String: Int] {
        var index = [String: Int](minimumCapacity: entries.count)
        for (offset, entry) in entries.enumerated() { index[entry.key] = offset }
        return index
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    entries[position].value = newValue
                } else {
                    entries.remove(at: position)
                    index = entries.count > Self.indexedCount ? Self.makeIndex(entries[...]) : nil
                }
            } else if let newValue {
                entries.append((key, newValue))
                if index != nil {
                    index?[key] = entries.count - 1
                } else if entries.count > Self.indexedCount {
                    index = Self.makeIndex(entries[...])
                }
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        entries.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (left, right) in zip(lhs.entries, rhs.entries) where left.key != right.key || left.value != right.value {
            return false
        }
        return true
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
