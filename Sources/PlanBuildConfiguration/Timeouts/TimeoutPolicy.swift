import PlanBuildSupport

/// The arithmetic of timeout learning (the effective timeout, the weighted update, the value after
/// a timeout), with the three constants a project may override through `"timeout_policy"` in
/// run-configuration.json.
public struct TimeoutPolicy: Equatable, Sendable {
    public static let defaultMinimumSeconds = 120
    public static let defaultSafetyMargin = 1.25
    public static let defaultHigherWeight = 0.80

    public var minimumSeconds: Int
    public var safetyMargin: Double
    public var higherWeight: Double

    public init(minimumSeconds: Int = defaultMinimumSeconds, safetyMargin: Double = defaultSafetyMargin,
                higherWeight: Double = defaultHigherWeight) {
        self.minimumSeconds = minimumSeconds
        self.safetyMargin = safetyMargin
        self.higherWeight = higherWeight
    }

    public static let standard = TimeoutPolicy()

    /// The values a project may give in `timeout_policy`. The minimum is at least a second: a
    /// timeout of zero would end every build at once.
    static let minimumRange = 1.0...Double(TimeoutLimits.maximumSeconds)
    static let marginRange = 1.0...100.0
    static let weightRange = 0.0...1.0

    /// Reads `{"minimum_seconds", "safety_margin", "higher_weight"}`; absent or out-of-range
    /// members keep their defaults, so a typo cannot produce a zero or negative timeout. A
    /// fractional minimum is rounded up (0.5 is out of range; 1.5 is 2).
    public init(json: JSONValue?) {
        self.init()
        guard let object = json?.objectValue else { return }
        if let minimum = object["minimum_seconds"]?.doubleValue, Self.minimumRange.contains(minimum) {
            minimumSeconds = Int(minimum.rounded(.up))
        }
        if let margin = object["safety_margin"]?.doubleValue, Self.marginRange.contains(margin) { safetyMargin = margin }
        if let weight = object["higher_weight"]?.doubleValue, Self.weightRange.contains(weight) { higherWeight = weight }
    }

    /// What `init(json:)` would not take from a `timeout_policy` value, one message per member
    /// (for `run_config validate`); empty when it takes everything.
    static func problems(_ json: JSONValue) -> [String] {
        guard let object = json.objectValue else { return ["timeout_policy must be an object"] }
        let members: [(String, ClosedRange<Double>)] = [("minimum_seconds", minimumRange), ("safety_margin", marginRange),
                                                        ("higher_weight", weightRange)]
        return members.compactMap { name, range in
            guard let value = object[name], !value.isNull else { return nil }
            if let number = value.doubleValue, range.contains(number) { return nil }
            let bounds = name == "minimum_seconds" ? "from 1 to \(TimeoutLimits.maximumSeconds)" : "from \(range.lowerBound) to \(range.upperBound)"
            return "timeout_policy.\(name) must be a number \(bounds) (the default applies)"
        }
    }

    /// The whole seconds a build of `milliseconds` learns: rounded up, and at least 1, so that a
    /// build shorter than a second never learns a timeout of zero.
    public static func learnedSeconds(milliseconds: Int) -> Int {
        let bounded = min(max(milliseconds, 0), TimeoutLimits.maximumSeconds * 1000)
        return max(1, (bounded + 999) / 1000)
    }

    /// `max(minimum, default)` when nothing was learned, else `max(minimum, int(learned × margin))`;
    /// a year at most (TimeoutLimits), whatever a file or a caller says.
    public func effectiveTimeout(learned: Int?, default defaultSeconds: Int) -> Int {
        guard let learned else { return min(max(minimumSeconds, defaultSeconds), TimeoutLimits.maximumSeconds) }
        return min(max(minimumSeconds, Self.truncate(Double(learned) * safetyMargin)), TimeoutLimits.maximumSeconds)
    }

    /// The new learned value: the duration the first time, else the weighted mean leaning to the
    /// larger of the two (45 then 50 → 49).
    /// Every learned value is at least a second.
    public func learnedValue(existing: Int?, newDuration: Int) -> Int {
        guard let existing else { return max(1, newDuration) }
        let higher = Double(max(existing, newDuration))
        let lower = Double(min(existing, newDuration))
        return max(1, Self.truncate(higherWeight * higher + (1 - higherWeight) * lower))
    }

    /// What a build that timed out after `timeoutUsed` seconds learns: the timeout itself, raised
    /// just enough that the next effective timeout is larger (`int(2 × 1.25)` would be 2 again).
    public func learnedValueAfterTimeout(_ timeoutUsed: Int) -> Int {
        let timeoutUsed = min(max(timeoutUsed, 1), TimeoutLimits.maximumSeconds)
        var value = timeoutUsed
        while Self.truncate(Double(value) * safetyMargin) <= timeoutUsed && value < timeoutUsed &+ 1_000 {
            value += 1
        }
        return value
    }

    /// `int()` of Python, made robust against 48.999999 when the exact value is 49.
    static func truncate(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        let clamped = min(max(value, -9.0e15), 9.0e15)
        return Int(clamped + (clamped >= 0 ? 1e-9 : -1e-9))
    }
}
