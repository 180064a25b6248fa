# cython: language_level=3
"""The size check of every kernel entry point: no kernel reads or writes past the end of an array it is given."""


cdef inline int check_sizes(str kernel, Py_ssize_t want, dict arrays, str what="the kernel needs") except -1:
    """Raise ValueError unless every entry of ``arrays`` (name -> number of values) is ``want``."""
    for name, got in arrays.items():
        if got != want:
            raise ValueError(f"{kernel}: {name} holds {got} values, {what} {want}")
    return 0
