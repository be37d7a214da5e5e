import Foundation
public import HearthPostgres

/// Hearth's schema: the numbered SQL files under `Migrations/`, shipped as resources of this module.
public enum HearthMigrations {
    /// Every migration, ordered by version.
    public static func all() throws -> [PostgresMigration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(
                code: .migrationFailed,
                message: "the Migrations resource folder is missing from this build of Hearth")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try files.map { file in
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return try PostgresMigration(fileName: file, sql: sql)
        }
    }

    /// A migrator over ``all()``.
    public static func migrator() throws -> PostgresMigrator {
        try PostgresMigrator(migrations: all())
    }
}
