import Foundation

/// Where the tests find the remote plugin: beside the test binary when `swift build` built it
/// there (a whole-package build), else set-up's release build (scripts/test builds only what the
/// tests import, not the plugin). `PLANBUILD_REMOTE_LIBRARY`, when set, is left alone.
enum RemotePlugin {
    static let located: Void = {
        guard ProcessInfo.processInfo.environment["PLANBUILD_REMOTE_LIBRARY"] == nil else { return }
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("libplanbuild-remote.so")
        let release = BuildGridServer.repository.appendingPathComponent(".build/release/libplanbuild-remote.so")
        for candidate in [beside, release] where FileManager.default.fileExists(atPath: candidate.path) {
            setenv("PLANBUILD_REMOTE_LIBRARY", candidate.path, 1)
            return
        }
    }()
}
