import PlanBuildSupport
import PlanBuildModel

/// The files that differ between two states of a git repository, by the `git` program: `base`
/// (default: the merge base of HEAD with `origin/HEAD`, else `HEAD~1`) against `head` (default:
/// the working tree, untracked files that are not ignored included), as paths relative to the
/// project folder (files of the repository outside it are left out).
public struct GitChanges: Sendable {
    public let base: String
    public let head: String?
    public let files: [String]

    public static func find(projectDirectory: String, base: String?, head: String?) throws(PlanBuildError) -> GitChanges {
        let project = projectDirectory.isEmpty ? "." : projectDirectory
        guard (try? git(["rev-parse", "--is-inside-work-tree"], in: project)) != nil else {
            throw PlanBuildError(.invalidRequest, "--affected needs a git repository: \(project) is not in one")
        }
        for reference in [base, head].compactMap({ $0 }) {
            guard (try? git(["rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"], in: project)) != nil else {
                throw PlanBuildError(.invalidRequest, "unknown git reference '\(reference)'")
            }
        }
        let chosenBase: String
        if let base { chosenBase = base } else { chosenBase = try defaultBase(in: project) }
        var files: [String] = []
        // --relative: paths relative to the project folder, and only files below it.
        var diff = ["diff", "--name-only", "-z", "--no-renames", "--relative", chosenBase]
        if let head { diff.append(head) }
        files += try git(diff + ["--"], in: project).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        if head == nil {
            files += try git(["ls-files", "--others", "--exclude-standard", "-z", "--", "."], in: project)
                .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        return GitChanges(base: chosenBase, head: head, files: Array(Set(files)).sorted())
    }

    /// The merge base of HEAD with the remote's default branch, else the commit before HEAD.
    private static func defaultBase(in project: String) throws(PlanBuildError) -> String {
        if let mergeBase = try? git(["merge-base", "HEAD", "origin/HEAD"], in: project) {
            return trimmed(mergeBase)
        }
        guard (try? git(["rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"], in: project)) != nil else {
            throw PlanBuildError(.invalidRequest, "--affected: no base to compare with (no origin/HEAD and HEAD has no parent); name one with --base")
        }
        return "HEAD~1"
    }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        return String(decoding: bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed(), as: UTF8.self)
    }

    /// Runs git in `directory` and returns its standard output; its standard error becomes the error.
    private static func git(_ arguments: [String], in directory: String) throws(PlanBuildError) -> [UInt8] {
        // Standard error goes to a file of its own: git's warnings must not mix with `-z` output.
        var template = Array("/tmp/planbuild-git-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let errors: String? = descriptor >= 0 ? String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        if descriptor >= 0 { close(descriptor) }
        defer { if let errors { unlink(errors) } }
        let line = "cd \(ShellWords.quote(directory)) && exec git " + ShellWords.join(arguments)
            + " </dev/null 2>" + ShellWords.quote(errors ?? "/dev/null")
        guard let stream = popen(line, "r") else { throw PlanBuildError(.internal, "git could not be started: \(SystemCall.reason(errno))") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&chunk, 1, chunk.count, stream)
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        let status = pclose(stream)
        guard status == 0 else {
            let message = errors.flatMap { try? FileSystem.readFile($0, limit: 1 << 16) } ?? []
            throw PlanBuildError(.invalidRequest, "git \(arguments.first ?? ""): " + trimmed(message))
        }
        return output
    }
}
