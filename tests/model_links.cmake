# Fails when the model library refers to any civetweb (mg_*) or cJSON symbol.
execute_process(COMMAND nm -u "${LIB}" OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${LIB}")
endif()
if(syms MATCHES "(^|\n)[ \t]*U (mg_|cJSON_)")
    message(FATAL_ERROR "model library uses civetweb or cJSON symbols:\n${syms}")
endif()
message(STATUS "model library links neither civetweb nor cJSON")
