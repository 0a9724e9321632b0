/// One log line as the reader hands it over to the JVM parsers: bytes, no line break, no ANSI escapes.
typealias JVMLine = UnsafeBufferPointer<UInt8>
