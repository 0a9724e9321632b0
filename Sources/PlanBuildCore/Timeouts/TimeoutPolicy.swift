/// The arithmetic of timeout learning (SPEC section 5), with the three constants a project may
/// override through `"timeout_policy"` in run-configuration.json.
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

    /// Reads `{"minimum_seconds", "safety_margin", "higher_weight"}`; absent or out-of-range
    /// members keep their defaults, so a typo cannot produce a zero or negative timeout.
    public init(json: JSONValue?) {
        self.init()
        guard let object = json?.objectValue else { return }
        if let minimum = object["minimum_seconds"]?.doubleValue, minimum >= 0, minimum <= Double(TimeoutLimits.maximumSeconds) {
            minimumSeconds = Int(minimum)
        }
        if let margin = object["safety_margin"]?.doubleValue, margin >= 1, margin <= 100 { safetyMargin = margin }
        if let weight = object["higher_weight"]?.doubleValue, weight >= 0, weight <= 1 { higherWeight = weight }
    }

    /// `max(minimum, default)` when nothing was learned, else `max(minimum, int(learned × margin))`;
    /// a year at most (TimeoutLimits), whatever a file or a caller says.
    public func effectiveTimeout(learned: Int?, default defaultSeconds: Int) -> Int {
        guard let learned else { return min(max(minimumSeconds, defaultSeconds), TimeoutLimits.maximumSeconds) }
        return min(max(minimumSeconds, Self.truncate(Double(learned) * safetyMargin)), TimeoutLimits.maximumSeconds)
    }

    /// The new learned value: the duration the first time, else the weighted mean leaning to the
    /// larger of the two (45 then 50 → 49).
    public func learnedValue(existing: Int?, newDuration: Int) -> Int {
        guard let existing else { return newDuration }
        let higher = Double(max(existing, newDuration))
        let lower = Double(min(existing, newDuration))
        return Self.truncate(higherWeight * higher + (1 - higherWeight) * lower)
    }

    /// What a build that timed out after `timeoutUsed` seconds learns: the timeout itself, raised
    /// just enough that the next effective timeout is larger (`int(2 × 1.25)` would be 2 again).
    public func learnedValueAfterTimeout(_ timeoutUsed: Int) -> Int {
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
