; C# using directives. @name: the alias or the last segment, @source: the namespace or type.
(using_directive name: (identifier) @name (_) @source) @import
(using_directive !name (identifier) @name @source) @import
(using_directive !name (qualified_name name: (identifier) @name) @source) @import
