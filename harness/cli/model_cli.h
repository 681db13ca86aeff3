/* model_cli.h - "tcpfault predict": the timing model on the command line.
 *
 * Takes: a scenario and --sysctl/--sockopt settings (unset ones: this
 * kernel's defaults for a fresh namespace, model_env_probe()). Gives: the
 * rule applied, the clock's origin, the band and the errno on stdout, the
 * last line "predicted: <seconds> s"; an exit code for main().
 */
#ifndef MODEL_CLI_H
#define MODEL_CLI_H

/**
 * model_cli_predict() - run "predict" with @argv[0] == "predict".
 * Return: 0, or 2 for bad usage (unknown scenario or parameter, a value out
 * of range; the message lists the valid ones).
 */
int model_cli_predict(int argc, char **argv);

#endif
