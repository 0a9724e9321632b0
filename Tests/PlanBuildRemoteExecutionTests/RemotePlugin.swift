import Foundation
import PlanBuildSupport

/// Where the tests find the remote plugin: beside the test binary when `swift build` built it
/// there (a whole-package build), else set-up's release build (scripts/test builds only what the
/// tests import, not the plugin). `PLANBUILD_REMOTE_LIBRARY`, when set, is left alone.
enum RemotePlugin {
    static let located: Void = {
        guard ProcessInfo.processInfo.environment["PLANBUILD_REMOTE_LIBRARY"] == nil else { return }
        let beside = Beside.directory.map { "\($0)/libplanbuild-remote.so" }
        let release = BuildGridServer.repository.appendingPathComponent(".build/release/libplanbuild-remote.so").path
        for candidate in [beside, release].compactMap({ $0 }) where FileManager.default.fileExists(atPath: candidate) {
            setenv("PLANBUILD_REMOTE_LIBRARY", candidate, 1)
            print("remote execution tests: the plugin is \(candidate)")
            return
        }
    }()
}
