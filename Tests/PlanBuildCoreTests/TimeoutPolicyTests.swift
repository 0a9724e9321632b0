import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration

/// The arithmetic of timeout learning.
@Suite struct TimeoutPolicyTests {
    let policy = TimeoutPolicy.standard

    @Test func constants() {
        #expect(TimeoutPolicy.defaultMinimumSeconds == 120)
        #expect(TimeoutPolicy.defaultSafetyMargin == 1.25)
        #expect(TimeoutPolicy.defaultHigherWeight == 0.80)
    }

    @Test func weightedUpdateLeansToTheHigher() {
        #expect(policy.learnedValue(existing: 45, newDuration: 50) == 49)
        #expect(policy.learnedValue(existing: 50, newDuration: 45) == 49)
        #expect(policy.learnedValue(existing: 100, newDuration: 100) == 100)
        // int(0.8 × 10 + 0.2 × 1) = int(8.2) = 8
        #expect(policy.learnedValue(existing: 1, newDuration: 10) == 8)
        // int(0.8 × 300 + 0.2 × 7) = int(241.4) = 241
        #expect(policy.learnedValue(existing: 300, newDuration: 7) == 241)
    }

    @Test func firstValueIsStoredAsIs() {
        #expect(policy.learnedValue(existing: nil, newDuration: 45) == 45)
        // A learned value is at least a second: a timeout of zero would end the next build at once.
        #expect(policy.learnedValue(existing: nil, newDuration: 0) == 1)
        #expect(policy.learnedValue(existing: nil, newDuration: 1000) == 1000)
    }

    @Test func effectiveWithNothingLearned() {
        #expect(policy.effectiveTimeout(learned: nil, default: 60) == 120)
        #expect(policy.effectiveTimeout(learned: nil, default: 120) == 120)
        #expect(policy.effectiveTimeout(learned: nil, default: 300) == 300)
    }

    @Test func effectiveWithLearnedValue() {
        #expect(policy.effectiveTimeout(learned: 100, default: 300) == 125)
        #expect(policy.effectiveTimeout(learned: 240, default: 10) == 300)
        // The default does not matter once something was learned.
        #expect(policy.effectiveTimeout(learned: 200, default: 900) == 250)
        // int() truncates: 97 × 1.25 = 121.25, 99 × 1.25 = 123.75, 101 × 1.25 = 126.25
        #expect(policy.effectiveTimeout(learned: 97, default: 0) == 121)
        #expect(policy.effectiveTimeout(learned: 99, default: 0) == 123)
        #expect(policy.effectiveTimeout(learned: 101, default: 0) == 126)
    }

    @Test func minimumIsAFloor() {
        #expect(policy.effectiveTimeout(learned: 1, default: 0) == 120)
        #expect(policy.effectiveTimeout(learned: 50, default: 0) == 120)
        #expect(policy.effectiveTimeout(learned: 96, default: 0) == 120)
        #expect(policy.effectiveTimeout(learned: 0, default: 500) == 120)
    }

    @Test func policyOverrideFromJSON() throws {
        let json = try JSONParser.parse(#"{"minimum_seconds": 1, "safety_margin": 2.0, "higher_weight": 0.5}"#)
        let custom = TimeoutPolicy(json: json)
        #expect(custom == TimeoutPolicy(minimumSeconds: 1, safetyMargin: 2.0, higherWeight: 0.5))
        #expect(custom.effectiveTimeout(learned: 10, default: 300) == 20)
        #expect(custom.effectiveTimeout(learned: nil, default: 5) == 5)
        // int(0.5 × 50 + 0.5 × 45) = int(47.5) = 47
        #expect(custom.learnedValue(existing: 45, newDuration: 50) == 47)
    }

    @Test func partialOverrideKeepsOtherDefaults() throws {
        let custom = TimeoutPolicy(json: try JSONParser.parse(#"{"minimum_seconds": 30}"#))
        #expect(custom == TimeoutPolicy(minimumSeconds: 30, safetyMargin: 1.25, higherWeight: 0.8))
    }

    @Test(arguments: [
        #"{"minimum_seconds": -5, "safety_margin": 0.5, "higher_weight": 1.5}"#,
        #"{"minimum_seconds": "60", "safety_margin": "2", "higher_weight": null}"#,
        #"{"safety_margin": 1000, "higher_weight": -0.1, "minimum_seconds": 1e12}"#,
        #"[1, 2, 3]"#,
        #""text""#,
    ])
    func outOfRangeValuesAreIgnored(_ text: String) throws {
        #expect(TimeoutPolicy(json: try JSONParser.parse(text)) == .standard)
    }

    // MARK: Never a timeout of zero

    @Test func aBuildShorterThanASecondLearnsOneAndDurationsRoundUp() {
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: 0) == 1)
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: 100) == 1)
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: 1000) == 1)
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: 1001) == 2)
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: -5) == 1)
        #expect(TimeoutPolicy.learnedSeconds(milliseconds: Int.max) == TimeoutLimits.maximumSeconds)
        #expect(policy.learnedValue(existing: 0, newDuration: 0) == 1)
        #expect(policy.learnedValueAfterTimeout(0) >= 1)
    }

    @Test(arguments: [#"{"minimum_seconds": 0}"#, #"{"minimum_seconds": 0.5}"#, #"{"minimum_seconds": 0.999}"#])
    func aMinimumBelowASecondIsNotTaken(_ text: String) throws {
        let custom = TimeoutPolicy(json: try JSONParser.parse(text))
        #expect(custom.minimumSeconds == TimeoutPolicy.defaultMinimumSeconds)
        #expect(TimeoutPolicy.problems(try JSONParser.parse(text)).count == 1)
    }

    @Test func aFractionalMinimumRoundsUp() throws {
        #expect(TimeoutPolicy(json: try JSONParser.parse(#"{"minimum_seconds": 1.5}"#)).minimumSeconds == 2)
        #expect(TimeoutPolicy(json: try JSONParser.parse(#"{"minimum_seconds": 1}"#)).minimumSeconds == 1)
        #expect(TimeoutPolicy.problems(try JSONParser.parse(#"{"minimum_seconds": 1, "safety_margin": 2}"#)).isEmpty)
    }

    /// The whole path: a build of 0.2 s with `minimum_seconds` 0 learned 0, and the next build got
    /// a timeout of 0 s. Now it learns 1 s, a learned 0 left by an older version counts as nothing
    /// learned, and the minimum of 0 is not taken.
    @Test func aSubSecondBuildNeverLeadsToATimeoutOfZero() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            TestSupport.write(#"{"version": 1, "timeout_policy": {"minimum_seconds": 0}, "commands": {"old": {"timeout_seconds": 0}}}"#,
                              to: layout.runConfigurationPath)
            let configuration = RunConfiguration(layout: layout)
            configuration.learn(from: ProcessOutcome(ending: .exited(0), durationMilliseconds: 200), key: "fast",
                                timeoutUsed: 5, timeoutWasLearned: false)
            let fast = try configuration.timeout(for: "fast", default: 3)
            #expect(fast.learned == 1)
            #expect(fast.seconds == TimeoutPolicy.defaultMinimumSeconds)
            let old = try configuration.timeout(for: "old", default: 3)
            #expect(old.learned == nil)
            #expect(old.seconds >= 1)
            let answer = try RunConfigEdit.validate(file: nil).perform(in: layout)
            #expect(answer.members.first?.1 == .bool(false))
            #expect(answer.text.contains("timeout_policy.minimum_seconds"))
            #expect(answer.text.contains("learned_timeouts"))
        }
    }

    @Test func absentPolicyIsStandard() {
        #expect(TimeoutPolicy(json: nil) == .standard)
    }

    // MARK: Timeout growth through run-configuration.json

    @Test func timedOutBuildGetsALongerTimeoutNextTime() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            TestSupport.write(#"{"version": 1, "timeout_policy": {"minimum_seconds": 1, "safety_margin": 2.0}}"#,
                              to: layout.runConfigurationPath)
            let configuration = RunConfiguration(layout: layout)
            try configuration.recordTimeout(2, for: "maven:verify")
            let lookup = try configuration.timeout(for: "maven:verify", default: 1)
            #expect(lookup.learned == 2)
            #expect(lookup.seconds == 4) // int(2 × 2.0)
            #expect(lookup.seconds > 2)
        }
    }

    @Test func timedOutBuildGrowsWithTheDefaultMargin() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            TestSupport.write(#"{"version": 1, "timeout_policy": {"minimum_seconds": 1}}"#, to: layout.runConfigurationPath)
            let configuration = RunConfiguration(layout: layout)
            // A build that timed out after its full timeout must not get the same timeout again
            // (RunConfiguration.recordTimeout: "instead of timing out again forever").
            for timeoutUsed in [1, 2, 3, 4, 10, 200] {
                try configuration.recordTimeout(timeoutUsed, for: "k\(timeoutUsed)")
                let next = try configuration.timeout(for: "k\(timeoutUsed)", default: 1).seconds
                #expect(next > timeoutUsed, "after a timeout of \(timeoutUsed) s the next timeout is \(next) s")
            }
        }
    }

    @Test func repeatedTimeoutsKeepGrowing() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            let configuration = RunConfiguration(layout: layout)
            var timeout = try configuration.timeout(for: "maven:verify", default: 300).seconds
            #expect(timeout == 300)
            for _ in 0..<3 {
                try configuration.recordTimeout(timeout, for: "maven:verify")
                let next = try configuration.timeout(for: "maven:verify", default: 300).seconds
                #expect(next == Int(Double(timeout) * 1.25))
                timeout = next
            }
        }
    }
}
