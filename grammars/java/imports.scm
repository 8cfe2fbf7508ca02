; Java imports. @name: the imported simple name (`*` for on-demand imports), @source: the qualified name.
(import_declaration (scoped_identifier name: (identifier) @name) @source .) @import
(import_declaration (scoped_identifier) @source (asterisk) @name) @import
