// cxx_headers.cpp - the public headers compile and link as C++.
#include <cstring>

#include <libworkers.h>

int main()
{
    if (std::strcmp(lw_version(), LW_VERSION_STRING) != 0)
        return 1;
    if (lw_version_number() != LW_VERSION_NUMBER)
        return 1;
    lw_error err;
    std::memset(&err, 0, sizeof err);
    return lw_result_http_status(LW_OK) == 200 ? 0 : 1;
}
