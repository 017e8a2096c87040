"""The bundled, read-only content: authored source, its validation, the build, and reading."""
