# Sanitizer and fuzzing builds.
#
# ACCESSTOKENS_SANITIZER builds every target with a sanitizer:
#   address  AddressSanitizer with UndefinedBehaviorSanitizer; every report
#            aborts the program (-fno-sanitize-recover=all).
#   thread   ThreadSanitizer.
# scripts/test-sanitizers builds and tests both, each in its own build
# folder, with the run-time options and suppressions they need.
#
# Debian's gRPC, Protobuf, Abseil and SQLite libraries are not instrumented,
# so the sanitizers check only this project's code and the code generated
# from proto/. ThreadSanitizer does not see synchronization inside those
# libraries; sanitizers/tsan_absl_sync.cc teaches it Abseil's locks, and
# sanitizers/tsan.supp lists the remaining reports that this causes.
#
# ACCESSTOKENS_FUZZ builds the fuzz targets under tests/fuzz as libFuzzer
# binaries. It needs clang, and builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer and with libFuzzer's coverage instrumentation;
# scripts/fuzz runs the targets.
option(ACCESSTOKENS_FUZZ "Build the fuzz targets with libFuzzer (clang only)" OFF)
set(ACCESSTOKENS_SANITIZER "" CACHE STRING
    "Sanitizer to build with: empty, address (ASan with UBSan) or thread (TSan)")
set_property(CACHE ACCESSTOKENS_SANITIZER PROPERTY STRINGS "" address thread)

if(ACCESSTOKENS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ACCESSTOKENS_FUZZ needs clang, not "
                        "${CMAKE_CXX_COMPILER_ID}; configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  if(NOT ACCESSTOKENS_SANITIZER STREQUAL "" AND
     NOT ACCESSTOKENS_SANITIZER STREQUAL "address")
    message(FATAL_ERROR "ACCESSTOKENS_FUZZ builds with the address "
                        "sanitizer; leave ACCESSTOKENS_SANITIZER empty")
  endif()
  set(sanitizer_flags -fsanitize=address,undefined,fuzzer-no-link
                      -fno-sanitize-recover=all)
elseif(ACCESSTOKENS_SANITIZER STREQUAL "address")
  set(sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(ACCESSTOKENS_SANITIZER STREQUAL "thread")
  set(sanitizer_flags -fsanitize=thread)
elseif(NOT ACCESSTOKENS_SANITIZER STREQUAL "")
  message(FATAL_ERROR "ACCESSTOKENS_SANITIZER \"${ACCESSTOKENS_SANITIZER}\" "
                      "is not one of: address, thread (or empty for none)")
endif()

if(DEFINED sanitizer_flags)
  add_compile_options(${sanitizer_flags} -fno-omit-frame-pointer)
  add_link_options(${sanitizer_flags})
endif()

# Every binary of a ThreadSanitizer build links the wrapper that makes
# absl::Mutex visible to TSan; it must come before Abseil on the link line,
# so it is added to every target defined after this point.
if(ACCESSTOKENS_SANITIZER STREQUAL "thread")
  add_library(accesstokens_tsan_absl_sync SHARED
              "${PROJECT_SOURCE_DIR}/sanitizers/tsan_absl_sync.cc")
  target_link_libraries(accesstokens_tsan_absl_sync PRIVATE
                        absl::synchronization ${CMAKE_DL_LIBS})
  link_libraries(accesstokens_tsan_absl_sync)
endif()
