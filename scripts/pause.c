/* The pod sandbox's process on the test cluster's real node (scripts/test-cluster builds it with
 * gcc -static), and /bin/pause in cairn-testing's PodImage: sleeps, reaps zombies, exits on
 * SIGINT/SIGTERM, like Kubernetes' build/pause/linux/pause.c. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void down(int sig) {
  (void)sig;
  exit(0);
}

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction d = {.sa_handler = down};
  struct sigaction r = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
  sigaction(SIGINT, &d, NULL);
  sigaction(SIGTERM, &d, NULL);
  sigaction(SIGCHLD, &r, NULL);
  for (;;) {
    pause();
  }
}
