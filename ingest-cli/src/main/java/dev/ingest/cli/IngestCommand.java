package dev.ingest.cli;

import dev.ingest.CorruptRecordException;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.tfrecord.NettyFlightEvents;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ingest} command and its subcommands. Exit codes are those of {@link ExitCode}: a
 * usage error (from picocli, a {@link UsageException} from a command) and a {@link
 * ConfigException} (a pipeline YAML that cannot run) are 2, bad data is 3, an I/O failure or an
 * internal error is 1 ({@link Failure} classes them). A failure is one line on stderr naming what
 * is wrong (a config's problems follow, one a line); the stack trace only with {@code
 * --verbose}. Under {@code --json} a failure still ends stdout with one JSON object, {@code
 * {"error": message, "exit_code": n}} (with {@code "problem"} for corruption, {@code "problems"}
 * for a config).
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    version = "ingest 0.1.0-SNAPSHOT",
    description = "tf.data for the JVM: TFRecord tools, pipelines and a TensorFlow trainer.",
    subcommands = {
      GenCommand.class,
      CountCommand.class,
      ValidateCommand.class,
      IndexCommand.class,
      InspectCommand.class,
      RunCommand.class,
      TrainCommand.class,
      ExplainCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class IngestCommand implements Callable<Integer> {
  static final String VERBOSE = "--verbose";

  @Spec CommandSpec spec;

  /** Read from the parse result when a command fails; every subcommand accepts it too. */
  @Option(names = VERBOSE, scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace as well.")
  boolean verbose;

  /** Without a subcommand there is nothing to do: that is a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    // Before the first command touches Netty: count and validate read records before any
    // pipeline starts.
    NettyFlightEvents.offUnlessConfigured();
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with the exit codes and error output of the contract. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new IngestCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(IngestCommand::usageError);
    commandLine.setExecutionExceptionHandler(IngestCommand::executionError);
    return commandLine;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println("ingest: " + e.getMessage());
    String command = failed.getCommandSpec().qualifiedName();
    err.println("Try '" + command + " --help' for more information.");
    err.flush();
    if (Arrays.asList(args).contains("--json")) {
      Json.print(failed.getOut(), Json.error(e.getMessage(), ExitCode.USAGE));
    }
    return ExitCode.USAGE;
  }

  private static int executionError(Exception e, CommandLine failed, ParseResult parseResult) {
    Failure failure = Failure.of(e);
    PrintWriter err = failed.getErr();
    boolean verbose = matched(parseResult, VERBOSE);
    if (failure.internal() && !verbose) {
      err.println("ingest: " + failure.message() + " (run with " + VERBOSE
          + " for the stack trace)");
    } else {
      err.println("ingest: " + failure.message() + (failure.details().isEmpty() ? "" : ":"));
    }
    failure.details().forEach(detail -> err.println("  " + detail));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    if (parseResult.originalArgs().contains("--json")) {
      var node = Json.error(failure.message(), failure.exitCode());
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof CorruptRecordException corrupt) {
          node.set("problem", Json.problem(corrupt.problem()));
          break;
        }
      }
      if (e instanceof ConfigException config) {
        var problems = node.putArray("problems");
        for (ConfigException.Problem problem : config.problems()) {
          problems.addObject().put("path", problem.path()).put("line", problem.line())
              .put("column", problem.column()).put("message", problem.message());
        }
      }
      Json.print(failed.getOut(), node);
    }
    return failure.exitCode();
  }

  /** Whether {@code option} was given to {@code ingest} or to the command that ran. */
  private static boolean matched(ParseResult parseResult, String option) {
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }
}
