/*
 * quickstart.c - the first program a new user reads.  For now it shows
 * the library's version and how result codes map onto the REST API.
 */
#include <stdio.h>

#include <libworkers.h>

int main(void)
{
    static const lw_result shown[] = {
        LW_OK, LW_ERR_INVALID, LW_ERR_NOT_FOUND, LW_ERR_DUPLICATE,
        LW_ERR_IN_PROGRESS, LW_ERR_PRECONDITION, LW_ERR_NOMEM,
    };
    size_t i;

    printf("libworkers %s\n\n", lw_version());
    printf("%-22s %-6s %-7s %s\n", "result", "status", "code", "meaning");
    for (i = 0; i < sizeof shown / sizeof shown[0]; i++)
        printf("%-22s %-6d %-7d %s\n", lw_result_name(shown[i]),
               (int)lw_result_http_status(shown[i]),
               (int)lw_result_twilio_code(shown[i]), lw_strerror(shown[i]));
    return 0;
}
