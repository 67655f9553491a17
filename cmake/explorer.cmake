# `groundswell explore`: a local web server (cpp-httplib, Debian's
# libcpp-httplib-dev) answering JSON (nlohmann-json3-dev) and serving the page
# in web/explorer/, whose files are compiled into the binary so it works
# offline. Included by the top-level CMakeLists.txt after the groundswell
# executable: the server is its own executable, groundswell-explore, which
# `groundswell explore` runs (sim/cli/explore_launcher.cpp), so that the
# server's libraries are not loaded by every other command.
find_package(PkgConfig REQUIRED)
# Debian builds the library with OpenSSL, zlib and Brotli support: its flags
# (which change class layouts) come from its pkg-config file.
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(nlohmann_json 3.10 REQUIRED)

file(GLOB_RECURSE EXPLORER_WEB_FILES CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/web/explorer
     ${PROJECT_SOURCE_DIR}/web/explorer/*.html ${PROJECT_SOURCE_DIR}/web/explorer/*.js
     ${PROJECT_SOURCE_DIR}/web/explorer/*.css ${PROJECT_SOURCE_DIR}/web/explorer/*.yaml)
list(TRANSFORM EXPLORER_WEB_FILES PREPEND ${PROJECT_SOURCE_DIR}/web/explorer/ OUTPUT_VARIABLE EXPLORER_WEB_PATHS)
string(REPLACE ";" "|" EXPLORER_WEB_LIST "${EXPLORER_WEB_FILES}")  # one argument on the command line
set(EXPLORER_ASSETS_CPP ${CMAKE_BINARY_DIR}/generated/explorer_assets.cpp)
add_custom_command(
  OUTPUT ${EXPLORER_ASSETS_CPP}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${EXPLORER_ASSETS_CPP} -DBASE=${PROJECT_SOURCE_DIR}/web/explorer
          "-DFILES=${EXPLORER_WEB_LIST}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${EXPLORER_WEB_PATHS} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding the explorer's page (web/explorer)"
  VERBATIM)
file(GLOB EXPLORER_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/cli/explore/*.cpp)
add_library(groundswell_explore OBJECT ${EXPLORER_SOURCES} ${EXPLORER_ASSETS_CPP})
# The layers' usage requirements, not groundswell_core itself: its object
# files reach an executable through groundswell_core alone, so that one
# linking both does not get them twice.
target_link_libraries(groundswell_explore PUBLIC layer_models layer_analysis Boost::program_options
                      PkgConfig::CPP_HTTPLIB nlohmann_json::nlohmann_json)
add_dependencies(groundswell_explore layering)
add_executable(groundswell-explore sim/cli/main.cpp)
target_link_libraries(groundswell-explore PRIVATE groundswell_core groundswell_explore)
# Whoever builds groundswell can run `groundswell explore`.
add_dependencies(groundswell groundswell-explore)
