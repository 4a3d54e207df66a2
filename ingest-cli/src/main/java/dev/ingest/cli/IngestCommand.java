package dev.ingest.cli;

import dev.ingest.CacheMismatchException;
import dev.ingest.CorruptRecordException;
import dev.ingest.InvalidExampleException;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.tfrecord.NettyFlightEvents;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code ingest} command and its subcommands. Exit codes are those of {@link ExitCode}: a
 * usage error (from picocli or from a command) and a {@link ConfigException} (a pipeline YAML
 * that cannot run) are 2, a {@link CorruptRecordException} or an {@link InvalidExampleException}
 * (a record that is not the Example it should be) is 3, any other exception is 1.
 * Under {@code --json} a failure still ends stdout with one JSON object, {@code {"error":
 * message, "exit_code": n}} (with {@code "problem"} for corruption, {@code "problems"} for a
 * config).
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
      InspectCommand.class,
      RunCommand.class,
      TrainCommand.class,
      ExplainCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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
    PrintWriter err = failed.getErr();
    int exitCode;
    String message;
    if (e instanceof ConfigException config) {
      exitCode = ExitCode.USAGE;
      message = "invalid pipeline config";
      err.println("ingest: " + message + ":");
      config.problems().forEach(problem -> err.println("  " + problem));
    } else if (e instanceof CacheMismatchException) {
      // The config points its cache at another pipeline's files: bad configuration, not data.
      exitCode = ExitCode.USAGE;
      message = e.getMessage();
      err.println("ingest: " + message);
    } else if (e instanceof CorruptRecordException || e instanceof InvalidExampleException) {
      exitCode = ExitCode.BAD_DATA;
      message = e.getMessage();
      err.println("ingest: " + message);
    } else if (e instanceof IOException || e instanceof UncheckedIOException) {
      exitCode = ExitCode.FAILURE;
      message = e.toString();
      err.println("ingest: " + message);
    } else {
      exitCode = ExitCode.FAILURE;
      message = "internal error: " + e;
      err.println("ingest: " + message);
      e.printStackTrace(err);
    }
    err.flush();
    if (parseResult.originalArgs().contains("--json")) {
      var node = Json.error(message, exitCode);
      if (e instanceof CorruptRecordException corrupt) {
        node.set("problem", Json.problem(corrupt.problem()));
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
    return exitCode;
  }
}
