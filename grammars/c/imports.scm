; C includes. @source: the header as written; the caller names it after the header's file name.
(preproc_include path: (_) @source) @import
