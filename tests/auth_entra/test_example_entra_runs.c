/* examples/entra runs as documented: with AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST pointing at the local IdP and
 * REDIS_URL at the test server, it logs in as the token's oid, writes a
 * key and exits 0; with a wrong secret it exits 1 naming the IdP's error. */
#include <sys/wait.h>
#include <unistd.h>

#include "idp_harness.h"

/* Runs the example with the IdP's env and `secret`; returns its exit code
 * and its stdout+stderr in out. */
static int run_example(entra_env *env, const char *secret, char *out, size_t cap) {
    char bin[1024], url[128];
    snprintf(bin, sizeof bin, "%s/%s/examples/entra", getenv("TEST_SRCDIR"), getenv("TEST_WORKSPACE"));
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", env->srv->port);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        setenv("AZURE_TENANT_ID", IDP_TENANT, 1);
        setenv("AZURE_CLIENT_ID", IDP_SECRET_CLIENT, 1);
        setenv("AZURE_CLIENT_SECRET", secret, 1);
        setenv("AZURE_AUTHORITY_HOST", env->idp.authority, 1);
        setenv("REDIS_URL", url, 1);
        execl(bin, "entra", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(fd[0], out + n, cap - 1 - n)) > 0) n += (size_t)r;
    out[n] = '\0';
    close(fd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    print_message("%s", out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_example_logs_in_with_a_token(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    char out[2048];
    assert_int_equal(run_example(env, IDP_SECRET, out, sizeof out), 0);
    assert_non_null(strstr(out, "logged in as " IDP_SECRET_OID));
    assert_non_null(strstr(out, "SET entra:greeting OK"));
    rsdk_client *c = rsdk_test_client(env->srv, 3, true);
    CMD_STR(c, "hello with a token", "GET", "entra:greeting");
    rsdk_client_close(c);
}

static void test_example_reports_a_refused_secret(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    char out[2048];
    assert_int_equal(run_example(env, "wrong", out, sizeof out), 1);
    assert_non_null(strstr(out, "RSDK_ERR_CREDENTIALS"));
    assert_non_null(strstr(out, "invalid_client"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_logs_in_with_a_token),
        cmocka_unit_test(test_example_reports_a_refused_secret),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
