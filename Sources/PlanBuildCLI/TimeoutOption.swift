import ArgumentParser
import PlanBuildConfiguration

/// A `--timeout` value: digits of any length, checked by the core's rule (TimeoutLimits) so that
/// `--timeout 10000000000000000` is a year and `--timeout 0` a usage error, as in the library.
struct TimeoutOption: ExpressibleByArgument {
    let seconds: Int

    init?(argument: String) {
        guard let seconds = TimeoutLimits.parse(argument) else { return nil }
        self.seconds = seconds
    }

    /// The capped value, or a usage error for zero and negative values.
    func checked() throws -> Int {
        do {
            return try TimeoutLimits.checked(seconds, "--timeout")
        } catch {
            throw ValidationError(error.message)
        }
    }
}
