; C++ includes and using-declarations. @name: a name brought into scope, @source: the header or namespace.
(preproc_include path: (_) @source) @import
(using_declaration (qualified_identifier name: (_) @name) @source) @import
(using_declaration "namespace" (_) @source) @import
