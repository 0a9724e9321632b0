import CPlanBuildSupport
import PlanBuildSupport

/// A file's identity as the file system reports it: what the fast path compares to decide that
/// a file is unchanged without reading it (the same size, mtime, inode and ctime as recorded).
public struct FileIdentity: Equatable, Sendable {
    public let size: Int64
    public let modifiedNanoseconds: Int64
    public let inode: UInt64
    public let changedNanoseconds: Int64

    init(size: Int64, modifiedNanoseconds: Int64, inode: UInt64, changedNanoseconds: Int64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
        self.changedNanoseconds = changedNanoseconds
    }

    init(_ info: stat) {
        self.init(size: Int64(info.st_size),
                  modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                  inode: UInt64(info.st_ino),
                  changedNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// A symbolic link to a file, read through: the target's size, mtime and inode (a changed or
    /// replaced target changes them) and the later of the two ctimes. A retargeted link is a new
    /// link (a link's text cannot be edited in place), whose ctime is later than any time recorded
    /// before, so the later ctime changes too.
    init(link: stat, target: stat) {
        let linkIdentity = FileIdentity(link), targetIdentity = FileIdentity(target)
        self.init(size: targetIdentity.size, modifiedNanoseconds: targetIdentity.modifiedNanoseconds, inode: targetIdentity.inode,
                  changedNanoseconds: max(linkIdentity.changedNanoseconds, targetIdentity.changedNanoseconds))
    }

    // MARK: Racy entries

    /// An entry changed within this many nanoseconds before the scan that records it started is
    /// "racy" (git's word): another change in the same clock tick could leave its size, times and
    /// inode as they were. File-system timestamps lag the clock by at most a tick (a few ms).
    static let racyWindowNanoseconds: Int64 = 100_000_000
    /// The window on a file system that keeps whole seconds (ext3, ext4 with 128-byte inodes,
    /// FAT's two seconds, some NFS servers), recognised by a ctime without nanoseconds: the kernel
    /// sets ctime, so on a nanosecond file system it is practically never a whole second.
    static let coarseRacyWindowNanoseconds: Int64 = 2_100_000_000

    /// Whether a scan that started at `scanStartNanoseconds` may not trust this identity for the
    /// next one. Two comparisons of numbers in hand; the remainder only for a recent entry.
    func isRacy(scanStartNanoseconds: Int64) -> Bool {
        let latest = max(modifiedNanoseconds, changedNanoseconds)
        guard latest >= scanStartNanoseconds &- Self.coarseRacyWindowNanoseconds else { return false }
        return latest >= scanStartNanoseconds &- Self.racyWindowNanoseconds || changedNanoseconds % 1_000_000_000 == 0
    }

    /// The size a recorded racy entry gets instead of its own: no file has it, so the next scan
    /// finds the identity changed and hashes the file again (git sets the size to 0 for the same end).
    static let smudgedSize: Int64 = -1

    /// This identity as a manifest records it: smudged when racy, so the next scan does not trust it.
    func recorded(scanStartNanoseconds: Int64) -> FileIdentity {
        guard isRacy(scanStartNanoseconds: scanStartNanoseconds) else { return self }
        return FileIdentity(size: Self.smudgedSize, modifiedNanoseconds: modifiedNanoseconds, inode: inode,
                            changedNanoseconds: changedNanoseconds)
    }
}
