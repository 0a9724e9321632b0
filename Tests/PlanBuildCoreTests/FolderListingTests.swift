import Foundation
import Testing
@testable import PlanBuildCache

/// The scan's folder listings (FolderListings): a folder whose identity did not change is not
/// read again, and every change to a folder's entries is still seen.
@Suite struct FolderListingTests {
    /// Folders changed within the racy window are not recorded: wait until they are older.
    private func settle() { usleep(UInt32(FileIdentity.racyWindowNanoseconds / 1000) + 50_000) }

    private func scan(_ project: String, previous: [[UInt8]: FolderListing] = [:]) -> (paths: [String], listings: [[UInt8]: FolderListing]) {
        var scanner = InputScanner(projectDirectory: project)
        scanner.useListings(previous: previous)
        let files = scanner.scanFiles(["src"])
        return ((0..<files.count).map(files.path), scanner.listings)
    }

    @Test func unchangedFoldersAreTakenFromTheListingAndChangesAreSeen() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("a", to: project + "/src/A.java")
            TestSupport.write("b", to: project + "/src/sub/B.java")
            settle()
            let first = scan(project)
            #expect(first.paths == ["src/A.java", "src/sub/B.java"])
            #expect(Set(first.listings.keys) == [Array("src".utf8), Array("src/sub".utf8)])

            // The listing is used as recorded while the folder's identity holds: a listing that
            // (falsely) omits B.java hides it, which shows the folder was not read again.
            let sub = first.listings[Array("src/sub".utf8)]!
            var tampered = first.listings
            tampered[Array("src/sub".utf8)] = FolderListing(identity: sub.identity, names: [], entries: [], hasGitIgnore: false)
            #expect(scan(project, previous: tampered).paths == ["src/A.java"])

            // A new entry changes the folder's identity: the folder is read again.
            TestSupport.write("c", to: project + "/src/sub/C.java")
            #expect(scan(project, previous: tampered).paths == ["src/A.java", "src/sub/B.java", "src/sub/C.java"])
            // So does a removal, and a rename.
            unlink(project + "/src/A.java")
            rename(project + "/src/sub/B.java", project + "/src/sub/D.java")
            #expect(scan(project, previous: first.listings).paths == ["src/sub/C.java", "src/sub/D.java"])
        }
    }

    @Test func foldersChangedJustBeforeTheScanAreNotRecorded() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("a", to: project + "/src/A.java")
            #expect(scan(project).listings.isEmpty)
        }
    }

    /// On a file system with whole-second times, a folder changed in the last two seconds is
    /// racy: a second change within the same second would leave its times as they were.
    @Test func wholeSecondTimesWidenTheRacyWindow() {
        let start: Int64 = 1_800_000_010_000_000_000
        func listing(changed: Int64) -> FolderListing {
            FolderListing(identity: FileIdentity(size: 4096, modifiedNanoseconds: changed, inode: 1, changedNanoseconds: changed),
                          names: [], entries: [], hasGitIgnore: false)
        }
        #expect(!listing(changed: start - 500_000_001).isRacy(scanStartNanoseconds: start)) // 0.5 s before, nanosecond times
        #expect(listing(changed: start - 50_000_000).isRacy(scanStartNanoseconds: start))
        #expect(listing(changed: start - 1_000_000_000).isRacy(scanStartNanoseconds: start)) // a whole second, 1 s before
        #expect(!listing(changed: start - 3_000_000_000).isRacy(scanStartNanoseconds: start))
    }

    @Test func aChangedGitIgnoreTakesEffectOnAnUnchangedFolder() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("x", to: project + "/src/A.java")
            TestSupport.write("x", to: project + "/src/debug.log")
            TestSupport.write("# nothing yet\n", to: project + "/.gitignore")
            settle()
            let first = scan(project)
            #expect(first.paths == ["src/A.java", "src/debug.log"])
            TestSupport.write("*.log\n", to: project + "/.gitignore") // the root folder changes, src/ does not
            #expect(scan(project, previous: first.listings).paths == ["src/A.java"])
        }
    }

    @Test func storedListingsRoundTripAnyName() throws {
        try TestSupport.withTemporaryDirectory { project in
            // A tab, a line feed, a backslash and bytes that are not UTF-8.
            let odd: [UInt8] = Array("a\tb\nc\\d".utf8) + [0xFF, 0xFE]
            let folder = project + "/src"
            mkdir(folder, 0o755)
            let path = Array(folder.utf8) + [UInt8(ascii: "/")] + odd + [0]
            let descriptor = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
            #expect(descriptor >= 0)
            close(descriptor)
            TestSupport.write("x", to: project + "/src/plain.txt")
            settle()
            var scanner = InputScanner(projectDirectory: project)
            _ = scanner.scanFiles(["src"])
            let stored = Array("digest\tx\n".utf8) + FolderListings.stored(scanner.listings)
            let parsed = FolderListings.parse(manifest: stored)
            let listing = try #require(parsed[Array("src".utf8)])
            let original = try #require(scanner.listings[Array("src".utf8)])
            #expect(listing.identity == original.identity)
            #expect(listing.names == original.names)
            #expect(listing.entries.map(\.type) == original.entries.map(\.type))
            // Reused, the odd name is found as the file it is.
            var again = InputScanner(projectDirectory: project)
            again.useListings(previous: parsed)
            let files = again.scanFiles(["src"])
            #expect(files.count == 2)
            #expect(files.pathBytes.starts(with: Array("src/".utf8) + odd))
        }
    }

    @Test func malformedListingsAreIgnored() {
        for text in ["digest\tx\nlistings\n1\t2\n", "digest\tx\nlistings\n1\t2\t3\t4\tsrc\nzz F.java\n",
                     "digest\tx\nlistings\n1\t2\t3\t4\tsrc\n8 a/b\n", "digest\tx\nlistings\n1\t2\t3\t4\tsrc"] {
            #expect(FolderListings.parse(manifest: Array(text.utf8)).isEmpty, "\(text)")
        }
    }

    /// The manifest's digest and entries do not depend on the listings stored after them.
    @Test func listingsDoNotChangeTheManifest() throws {
        let hasher = try ContentHasher.shared()
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("a", to: project + "/src/A.java")
            settle()
            var scanner = InputScanner(projectDirectory: project)
            let files = scanner.scanFiles(["src"])
            let plain = InputManifest.build(files.files, projectDirectory: project, previous: nil, hasher: hasher, threads: 1,
                                            scanStartNanoseconds: scanner.startNanoseconds)
            let withListings = plain.withListings(scanner.listings)
            #expect(withListings.digest == plain.digest)
            let bytes = withListings.storedBytes
            #expect(bytes.count > Array(plain.storedText.utf8).count)
            #expect(InputManifest.parse(stored: bytes) == plain)
            #expect(InputManifest.unchanged(stored: bytes, files: files)?.digest == plain.digest)
            #expect(InputManifest.unchanged(stored: bytes, files: files)?.entries == plain.entries)
        }
    }
}
