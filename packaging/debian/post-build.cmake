# SPDX-License-Identifier: Apache-2.0
# Run by CPack after it builds the packages (CPACK_POST_BUILD_SCRIPTS): corrects each .deb's
# Installed-Size (see fix-installed-size).
foreach(package IN LISTS CPACK_PACKAGE_FILES)
  if(package MATCHES "\\.deb$")
    execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/fix-installed-size ${package} COMMAND_ERROR_IS_FATAL ANY)
  endif()
endforeach()
