import CPlanBuildSupport

/// What ships beside this binary (libplanbuild.so, or the executable the core is linked into):
/// the supervisor, the remote plugin, the library beside the CLI. One rule finds them
/// all, `pbs_find_beside` in C, which the supervisor's lookup uses too.
public enum Beside {
    /// The path of `name` beside this binary, or the value of `variable` when it is set (then
    /// nothing else is tried); `executable` asks for a program, else a readable file. `looked` is
    /// where it was expected (empty when no place is known), for a message when it is not found.
    public static func find(_ name: String, variable: String?, executable: Bool = false) -> (path: String?, looked: String) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = variable.withOptionalCString { pbs_find_beside(name, $0, executable ? X_OK : R_OK, &buffer, buffer.count) } == 0
        let text = String(nulTerminated: buffer)
        return found ? (text, text) : (nil, text)
    }

    /// The folder of the image holding this code, or nil when it cannot be told.
    public static var directory: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return pbs_image_directory(&buffer, buffer.count) == 0 ? String(nulTerminated: buffer) : nil
    }
}

/// A plugin library beside this binary, opened once with dlopen(RTLD_NOW | RTLD_LOCAL): the remote
/// plugin keeps its dependency (libcurl) out of every process that does not need it. Never closed:
/// its functions are used for the rest of the process.
package struct PluginLibrary: @unchecked Sendable {
    package let path: String
    private let handle: UnsafeMutableRawPointer

    /// Opens `name` beside this binary, or the file `variable` names; the failure is a reason for
    /// a person (where it was looked for, or why dlopen refused it).
    package static func open(_ name: String, variable: String) -> Result<PluginLibrary, PluginError> {
        let found = Beside.find(name, variable: variable)
        guard let path = found.path else {
            return .failure(PluginError(reason: found.looked.isEmpty ? "no location known" : "\(found.looked): not found"))
        }
        var error = [CChar](repeating: 0, count: 512)
        guard let handle = pbs_load_library(path, &error, error.count) else {
            return .failure(PluginError(reason: String(nulTerminated: error)))
        }
        return .success(PluginLibrary(path: path, handle: handle))
    }

    /// The address of the C function `name`, or nil when the library lacks it.
    package func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        pbs_library_symbol(handle, name)
    }

    package struct PluginError: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }
}
