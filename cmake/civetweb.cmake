# civetweb, built from Debian's civetweb source package as a static library, with OpenSSL 3
# linked directly (no run-time loading of libssl), IPv6 on, and CGI, Lua, Duktape, websockets and
# civetweb's own file serving off. Debian's libcivetweb1 is built for the OpenSSL 1.1 API with
# run-time loading and fails on the first TLS connection, so it is not used.
#
# The source is fetched at configure time into the build tree and never kept in the repository.
# RF_CIVETWEB_SOURCE_DIR points at an unpacked tree instead (for offline builds).

if(RF_CIVETWEB_SOURCE_DIR)
    set(RF_CIVETWEB_SRC "${RF_CIVETWEB_SOURCE_DIR}")
else()
    set(RF_CIVETWEB_DEPS "${CMAKE_BINARY_DIR}/_deps/civetweb")
    if(NOT EXISTS "${RF_CIVETWEB_DEPS}/src/src/civetweb.c")
        message(STATUS "Fetching Debian's civetweb source package")
        execute_process(
            COMMAND "${CMAKE_SOURCE_DIR}/cmake/fetch-civetweb.sh" "${RF_CIVETWEB_DEPS}"
            RESULT_VARIABLE rf_fetch_rc)
        if(NOT rf_fetch_rc EQUAL 0)
            message(FATAL_ERROR "Could not fetch the civetweb source package (apt-get source "
                "civetweb). Run scripts/deps.sh first, or set RF_CIVETWEB_SOURCE_DIR.")
        endif()
    endif()
    set(RF_CIVETWEB_SRC "${RF_CIVETWEB_DEPS}/src")
endif()

if(NOT EXISTS "${RF_CIVETWEB_SRC}/src/civetweb.c" OR NOT EXISTS "${RF_CIVETWEB_SRC}/include/civetweb.h")
    message(FATAL_ERROR "No civetweb source in ${RF_CIVETWEB_SRC}")
endif()

add_library(civetweb STATIC "${RF_CIVETWEB_SRC}/src/civetweb.c")
target_include_directories(civetweb SYSTEM PUBLIC "${RF_CIVETWEB_SRC}/include")
target_compile_definitions(civetweb
    PRIVATE NO_SSL_DL OPENSSL_API_3_0 USE_IPV6 NO_CGI NO_FILES NO_CACHING
            USE_STACK_SIZE=262144 _GNU_SOURCE
            # Stop within 0.2 s rather than up to 2 s (the master thread's poll quantum).
            SOCKET_TIMEOUT_QUANTUM=200
    PUBLIC NO_SSL_DL OPENSSL_API_3_0 USE_IPV6)
target_compile_options(civetweb PRIVATE -w)
# civetweb.c includes its own .inl files relative to src/.
target_include_directories(civetweb PRIVATE "${RF_CIVETWEB_SRC}/src")
target_link_libraries(civetweb PUBLIC OpenSSL::SSL OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS})
