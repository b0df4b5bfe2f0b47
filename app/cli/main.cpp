// smtpscope-cli: the headless twin of the workbench (decode replies, list the knowledge base).
#include "classifycommand.h"
#include "clicontext.h"
#include "codescommand.h"
#include "decodecommand.h"
#include "transcriptcommand.h"

#include "util/allocator.h"

#include <QCoreApplication>

#include <algorithm>

using namespace smtpscope::cli;

namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(CliContext &);
};

const Command kCommands[] = {
    { "decode", "Decode SMTP reply lines: meaning, reason, hard/soft, what to do, evidence.", runDecode },
    { "codes", "List the knowledge base: reply codes, enhanced status codes, providers, rules.", runCodes },
    { "transcript", "Read SMTP transcripts and mail logs: steps, replies, findings, recipients.", runTranscript },
    { "classify", "Decode and classify bounces, DSNs, complaints and auto-replies in files, folders, mbox.",
        runClassify },
};

void printUsage(QTextStream &out)
{
    out << "Usage: smtpscope-cli <command> [options] [arguments]\n\n"
           "Smtpscope decodes SMTP replies, transcripts and bounces for deliverability engineers.\n\n"
           "Commands:\n";
    qsizetype width = 0; // the longest name and two spaces: "transcript" ran into its summary at a fixed 10
    for (const Command &c : kCommands)
        width = std::max(width, qsizetype(qstrlen(c.name)) + 2);
    for (const Command &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(width) << c.summary << '\n';
    out << "\nOptions:\n  -h, --help     Show this help.\n  -v, --version  Show the version.\n\n"
           "Run 'smtpscope-cli <command> --help' for a command's options.\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("smtpscope-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Smtpscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SMTPSCOPE_VERSION));

    const QStringList args = QCoreApplication::arguments();
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.size() < 2) {
        printUsage(err);
        return ExitUsage;
    }
    const QString first = args.at(1);
    if (first == QLatin1String("-h") || first == QLatin1String("--help") || first == QLatin1String("help")) {
        printUsage(out);
        return ExitOk;
    }
    if (first == QLatin1String("-v") || first == QLatin1String("--version")) {
        out << "smtpscope-cli " << SMTPSCOPE_VERSION << " (" << smtpscope::core::allocatorName() << ")\n";
        return ExitOk;
    }
    for (const Command &c : kCommands) {
        if (first == QLatin1String(c.name)) {
            CliContext context(first, args.mid(1));
            return c.run(context);
        }
    }
    err << "smtpscope-cli: unknown command \"" << first << "\"\n\n";
    printUsage(err);
    return ExitUsage;
}
