import CPlanBuildSupport

/// PlanBuild's release version, compiled in from PLANBUILD_VERSION (planbuild_version.h, its one
/// source): `planbuild --version`, pb_version and the pkg-config file all say this.
public enum PlanBuildVersion {
    public static let text = String(cString: pbs_version())
    /// The same as a C string that lives as long as the image (pb_version returns it).
    public static var cString: UnsafePointer<CChar> { pbs_version() }
}
