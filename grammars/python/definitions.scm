; Definitions in Python. A function directly inside a class is reported as a method by the outline code.
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
