# rf_embed(TARGET_SOURCE_VAR OUTPUT_C FILES...)
#
# Generates a C source that holds each file as a byte array, with a table
#   const struct rf_embedded rf_embedded_files[]; const size_t rf_embedded_count;
# (struct rf_embedded is declared in server/rf_embedded.h). The name of each entry is the file's
# base name. The generated file is rebuilt when any input changes.
function(rf_embed out_c)
    set(files ${ARGN})
    add_custom_command(
        OUTPUT "${out_c}"
        COMMAND "${CMAKE_COMMAND}" -DOUT=${out_c} "-DFILES=${files}"
                -P "${CMAKE_SOURCE_DIR}/cmake/embed-run.cmake"
        DEPENDS ${files} "${CMAKE_SOURCE_DIR}/cmake/embed-run.cmake"
        COMMENT "Embedding ${CMAKE_PROJECT_NAME} schema and registry files"
        VERBATIM)
endfunction()
