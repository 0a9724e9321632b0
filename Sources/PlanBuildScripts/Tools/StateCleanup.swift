import PlanBuildSupport

/// `run_config cleanup` and `cleanup-status`: what plan state may be removed, by the retention
/// rules of marshal.json (`system.retention`: `logs_days`, `archived_plans_days`). Targets:
/// `temp` (everything in temp/), `logs` (files in logs/ older than logs_days), `archived-plans`
/// (folders in archived-plans/ older than archived_plans_days), `build-results` (build logs under
/// plans/*/build-results/ and temp/build-output/ older than logs_days), `all`.
/// Removal never follows a link (DirectoryHandle) and never leaves the state folder.
struct StateCleanup {
    static let targets = ["temp", "logs", "archived-plans", "build-results", "all"]

    let root: String
    let now: Int

    struct Retention {
        var logsDays = 1
        var archivedPlansDays = 5
    }

    /// marshal.json's retention: nothing is removed by a rule nobody wrote down, so a missing
    /// file or a missing `system.retention` is refused.
    func retention() throws(PlanBuildError) -> Retention {
        let path = FileSystem.join(root, "marshal.json")
        guard FileSystem.exists(path) else {
            throw PlanBuildError(.notFound, "marshal.json not found in \(root): its system.retention says what may be removed")
        }
        let document = try LockedJSONFile(path: path).read() ?? JSONObject()
        guard let settings = document["system"]?["retention"], settings.objectValue != nil else {
            throw PlanBuildError(.configurationInvalid, "\(path) has no system.retention object: it says what may be removed")
        }
        var retention = Retention()
        if let days = settings["logs_days"]?.intValue, (0...36_500).contains(days) { retention.logsDays = days }
        if let days = settings["archived_plans_days"]?.intValue, (0...36_500).contains(days) { retention.archivedPlansDays = days }
        return retention
    }

    /// What was (or, dry, would be) removed: `temp_files`, `logs_deleted`, … by target.
    func clean(_ target: String, retention: Retention, dryRun: Bool) -> JSONObject {
        var counts = JSONObject()
        let all = target == "all"
        if all || target == "temp" { counts["temp_files"] = .int(removeAll(in: "temp", dryRun: dryRun)) }
        if all || target == "logs" {
            counts["logs_deleted"] = .int(removeOld(in: "logs", olderThanDays: retention.logsDays, folders: false, dryRun: dryRun))
        }
        if all || target == "archived-plans" {
            counts["archived_plans_deleted"] = .int(removeOld(in: "archived-plans", olderThanDays: retention.archivedPlansDays,
                                                              folders: true, dryRun: dryRun))
        }
        if all || target == "build-results" {
            var removed = 0
            for plan in (try? DirectoryHandle.open(FileSystem.join(root, "plans")))?.entries() ?? [] {
                removed += removeOld(in: "plans/\(plan)/build-results", olderThanDays: retention.logsDays, folders: false, dryRun: dryRun, deep: true)
            }
            counts["build_results_deleted"] = .int(removed)
        }
        return counts
    }

    /// How much there is: files in temp/, logs, archived plans, build logs.
    func status() -> JSONObject {
        var buildLogs = 0
        for plan in (try? DirectoryHandle.open(FileSystem.join(root, "plans")))?.entries() ?? [] {
            buildLogs += files(in: "plans/\(plan)/build-results").count
        }
        return JSONObject([("temp_files", .int(files(in: "temp").count)), ("logs_total", .int(files(in: "logs", deep: false).count)),
                           ("archived_plans_total", .int(entries(in: "archived-plans").count)), ("build_results_total", .int(buildLogs))])
    }

    // MARK: files

    private func folder(_ relative: String) -> DirectoryHandle? {
        guard let base = try? DirectoryHandle.open(root) else { return nil }
        return try? base.folder(relative)
    }

    private func entries(in relative: String) -> [String] { folder(relative)?.entries() ?? [] }

    /// Every file below `relative` (paths relative to it); links count as files and are not followed.
    private func files(in relative: String, deep: Bool = true) -> [(path: String, modified: Int)] {
        guard let handle = folder(relative) else { return [] }
        var found: [(String, Int)] = []
        func walk(_ handle: DirectoryHandle, _ prefix: String) {
            for name in handle.entries() {
                guard let status = handle.status(name) else { continue }
                if (status.st_mode & S_IFMT) == S_IFDIR {
                    if deep, let child = try? handle.folder(name) { walk(child, prefix + name + "/") }
                } else {
                    found.append((prefix + name, Int(status.st_mtim.tv_sec)))
                }
            }
        }
        walk(handle, "")
        return found
    }

    private func removeAll(in relative: String, dryRun: Bool) -> Int {
        let count = files(in: relative).count
        if !dryRun, let handle = folder(relative) {
            for name in handle.entries() { try? handle.remove(name) }
        }
        return count
    }

    private func removeOld(in relative: String, olderThanDays days: Int, folders: Bool, dryRun: Bool, deep: Bool = false) -> Int {
        guard let handle = folder(relative) else { return 0 }
        let cutoff = now - days * 86_400
        var removed = 0
        if folders {
            for name in handle.entries() {
                guard let status = handle.status(name), (status.st_mode & S_IFMT) == S_IFDIR, Int(status.st_mtim.tv_sec) < cutoff else { continue }
                if dryRun || (try? handle.remove(name)) != nil { removed += 1 }
            }
            return removed
        }
        for file in files(in: relative, deep: deep) where file.modified < cutoff {
            let parts = file.path.split(separator: "/").map(String.init)
            var parent: DirectoryHandle? = handle
            for part in parts.dropLast() { parent = try? parent?.folder(part) }
            if dryRun || (try? parent?.remove(parts.last ?? "")) != nil { removed += 1 }
        }
        return removed
    }
}
