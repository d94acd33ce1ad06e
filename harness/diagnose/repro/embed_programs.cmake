# Embeds the reproduction programs (programs/*.c) in blasbench as C strings, at build time:
#   cmake -DPROGRAMS=<this folder>/programs -DOUTPUT=<build>/generated/diagnose_repro_embedded.c
#         -P embed_programs.cmake
# (the add_custom_command in harness/CMakeLists.txt, run again when a program file changes).
#
# Each programs/<name>.c becomes {"<name>", "<its text>"} in bb_repro_programs[]
# (diagnose_repro_internal.h), its text as the written program has it:
#   - each file's first comment (the one for blasbench's developers) is left out;
#   - each `#include "<part>.h"` line is replaced by that file of programs/, one level deep;
#   - `#include "finding.h"` stays, once: diagnose_repro.c writes the finding there.
# A file that breaks these rules stops the build with a message naming it.

if(NOT PROGRAMS OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DPROGRAMS=DIR -DOUTPUT=FILE -P embed_programs.cmake")
endif()
set(finding_line "#include \"finding.h\"\n")

# The text of programs/<file> without its first comment; out_var unset if the file is missing.
function(program_text file out_var)
  unset(${out_var} PARENT_SCOPE)
  if(NOT EXISTS "${PROGRAMS}/${file}")
    return()
  endif()
  file(READ "${PROGRAMS}/${file}" text)
  if(text MATCHES "^/\\*")
    string(FIND "${text}" "*/\n" end)
    if(end LESS 0)
      message(FATAL_ERROR "${PROGRAMS}/${file}: the first comment does not end a line")
    endif()
    math(EXPR end "${end} + 3")
    string(SUBSTRING "${text}" ${end} -1 text)
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# s as the lines of a C string literal, each indented by a tab and a space.
function(c_literal s out_var)
  string(REGEX REPLACE "\n$" "" s "${s}")
  string(REPLACE "\\" "\\\\" s "${s}")
  string(REPLACE "\"" "\\\"" s "${s}")
  string(REPLACE "?" "\\?" s "${s}") # no trigraph
  string(REPLACE "\t" "\\t" s "${s}")
  string(REPLACE "\n" "\\n\"\n\t \"" s "${s}")
  set(${out_var} "\t \"${s}\\n\"" PARENT_SCOPE)
endfunction()

file(GLOB programs RELATIVE "${PROGRAMS}" "${PROGRAMS}/*.c")
list(SORT programs)
if(NOT programs)
  message(FATAL_ERROR "${PROGRAMS}: no program (*.c) to embed")
endif()
set(out "/* Generated from harness/diagnose/repro/programs/ by embed_programs.cmake: do not edit. */
#include \"harness/diagnose/repro/diagnose_repro_internal.h\"

const bb_repro_program bb_repro_programs[] = {
")
foreach(program ${programs})
  program_text("${program}" text)
  string(REGEX MATCHALL "#include \"[^\"\n]*\"\n" includes "${text}")
  foreach(include ${includes})
    string(REGEX REPLACE "^#include \"(.*)\"\n$" "\\1" part "${include}")
    if(part STREQUAL "finding.h")
      continue()
    endif()
    program_text("${part}" part_text)
    if(NOT DEFINED part_text)
      message(FATAL_ERROR "${PROGRAMS}/${program}: includes \"${part}\", which is not there")
    endif()
    string(REPLACE "${finding_line}" "" part_rest "${part_text}")
    if(part_rest MATCHES "#include \"")
      message(FATAL_ERROR "${PROGRAMS}/${part}: a part includes only system headers and finding.h"
                          " (parts are one level deep)")
    endif()
    string(REPLACE "${include}" "${part_text}" text "${text}")
  endforeach()
  # exactly one finding line, the only #include "..." left
  string(REPLACE "${finding_line}" "" rest "${text}")
  string(LENGTH "${text}" len)
  string(LENGTH "${rest}" len_rest)
  string(LENGTH "${finding_line}" len_line)
  math(EXPR findings "(${len} - ${len_rest}) / ${len_line}")
  if(NOT findings EQUAL 1 OR rest MATCHES "#include \"")
    message(FATAL_ERROR "${PROGRAMS}/${program}: needs `#include \"finding.h\"` once (through"
                        " common.h) and no #include \"...\" other than the parts")
  endif()
  string(REGEX REPLACE "\\.c$" "" name "${program}")
  c_literal("${text}" literal)
  string(APPEND out "\t{\"${name}\",\n${literal}},\n")
endforeach()
string(APPEND out "\t{0, 0},\n};\n")
file(WRITE "${OUTPUT}" "${out}")
