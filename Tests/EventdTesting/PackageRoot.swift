import Foundation

/// The package's root folder: the nearest folder above `file` (a test file's `#filePath`) that holds
/// Package.swift, so a test finds `Config/`, `docs/` and `Sources/` however deep its own folder is.
func packageRoot(of file: String = #filePath) -> URL {
    var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
        folder.deleteLastPathComponent()
    }
    fatalError("no Package.swift above \(file)")
}
