# rf_embed(OUTPUT_C FILES...)
# rf_embed_table(OUTPUT_C TABLE WHAT FILES...)
#
# Generates a C source that holds each file as a byte array, with a table
#   const struct rf_embedded <TABLE>_files[]; const size_t <TABLE>_count;
# (struct rf_embedded is declared in server/rf_embedded.h). The name of each entry is the file's
# base name. rf_embed makes the table "rf_embedded" (schema and registry files); rf_embed_table
# names its own (the browser UI's files are "rf_ui"). WHAT only words the build's comment. The
# generated file is rebuilt when any input changes. Only CMake's file(READ ... HEX) is used, so
# no other tool is needed.
function(rf_embed_table out_c table what)
    set(files ${ARGN})
    add_custom_command(
        OUTPUT "${out_c}"
        COMMAND "${CMAKE_COMMAND}" -DOUT=${out_c} -DTABLE=${table} "-DFILES=${files}"
                -P "${CMAKE_SOURCE_DIR}/cmake/embed-run.cmake"
        DEPENDS ${files} "${CMAKE_SOURCE_DIR}/cmake/embed-run.cmake"
        COMMENT "Embedding ${CMAKE_PROJECT_NAME} ${what}"
        VERBATIM)
endfunction()

function(rf_embed out_c)
    rf_embed_table("${out_c}" rf_embedded "schema and registry files" ${ARGN})
endfunction()
