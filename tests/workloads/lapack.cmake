# Every LAPACK workload of the catalog (getrf, potrf, geqrf, gesv, syevd, gesdd) against the real
# Debian libraries, loaded in-process: one process per backend (a loaded library stays loaded),
# exit 77 when the backend is not installed.  openblas64 covers the ILP64 integer arguments.  The
# --unit run checks complete/validate/flop counts and that every LAPACK workload has test shapes;
# it needs no library.
add_executable(test_lapack_workloads ${CMAKE_CURRENT_LIST_DIR}/test_lapack_workloads.c)
target_link_libraries(test_lapack_workloads PRIVATE bb_workloads)
add_test(NAME lapack_workloads_unit COMMAND test_lapack_workloads --unit)
set_tests_properties(lapack_workloads_unit PROPERTIES LABELS "workloads;unit")
foreach(backend netlib openblas openblas64 atlas flame)
  add_test(NAME lapack_workloads_${backend} COMMAND test_lapack_workloads ${backend})
  set_tests_properties(lapack_workloads_${backend} PROPERTIES
    LABELS "workloads;sanitize" SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
