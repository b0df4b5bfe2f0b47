#include "clicontext.h"

#include <cstdio>

namespace smtpscope::cli {

namespace {

const QCommandLineOption kHelp({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
const QCommandLineOption kRules(QStringLiteral("rules"),
    QStringLiteral("Load extra knowledge base rules from <file> (same JSON format as the built-in ones)."),
    QStringLiteral("file"));

QCommandLineOption formatOption(const QStringList &formats)
{
    return QCommandLineOption(QStringLiteral("format"),
        QStringLiteral("Output format: %1 (default %2).").arg(formats.join(QStringLiteral(", ")), formats.first()),
        QStringLiteral("format"), formats.first());
}

} // namespace

CliContext::CliContext(QString command, QStringList arguments)
    : m_command(std::move(command))
    , m_arguments(std::move(arguments))
    , m_out(stdout)
    , m_err(stderr)
{ }

bool CliContext::parse(QCommandLineParser &parser, const QStringList &formats, int *exitCode)
{
    parser.addOption(kHelp);
    parser.addOption(kRules);
    if (!formats.isEmpty())
        parser.addOption(formatOption(formats));
    if (!parser.parse(m_arguments)) {
        *exitCode = usageError(parser.errorText());
        return false;
    }
    if (parser.isSet(kHelp)) {
        m_out << parser.helpText().replace(QStringLiteral("[options]"), m_command + QStringLiteral(" [options]"));
        *exitCode = ExitOk;
        return false;
    }
    if (!formats.isEmpty() && !formats.contains(parser.value(QStringLiteral("format")))) {
        *exitCode = usageError(QStringLiteral("unknown format \"%1\"; use one of: %2")
                                   .arg(parser.value(QStringLiteral("format")), formats.join(QStringLiteral(", "))));
        return false;
    }
    return true;
}

QString CliContext::format(const QCommandLineParser &parser) const
{
    return parser.value(QStringLiteral("format"));
}

std::shared_ptr<const core::KnowledgeBase> CliContext::knowledgeBase(const QCommandLineParser &parser)
{
    const QStringList extra = parser.values(kRules);
    if (extra.isEmpty()) {
        if (auto kb = core::KnowledgeBase::builtIn())
            return kb;
    }
    const core::KbLoadResult result = core::KnowledgeBase::load(extra);
    if (!result.ok())
        m_err << "smtpscope-cli: the knowledge base could not be loaded:\n" << result.errorText() << '\n';
    return result.kb;
}

int CliContext::usageError(const QString &message)
{
    m_err << "smtpscope-cli " << m_command << ": " << message << "\nTry 'smtpscope-cli " << m_command << " --help'.\n";
    return ExitUsage;
}

} // namespace smtpscope::cli
