#pragma once

#include "kb/knowledgebase.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace smtpscope::cli {

/// Exit statuses shared by every subcommand.
enum ExitCode { ExitOk = 0, ExitInputError = 1, ExitUsage = 2 };

/// What a subcommand needs: its arguments, the output streams and the knowledge base.
class CliContext
{
public:
    CliContext(QString command, QStringList arguments);

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    const QString &command() const { return m_command; }
    const QStringList &arguments() const { return m_arguments; }

    /// Adds the options every subcommand has (--help, --rules, --format) and parses.
    /// Returns false after printing help or a usage error; @p exitCode says which.
    bool parse(QCommandLineParser &parser, const QStringList &formats, int *exitCode);
    /// The value of --format, checked by parse().
    QString format(const QCommandLineParser &parser) const;

    /// The built-in knowledge base plus --rules files; prints the errors and returns null on failure.
    std::shared_ptr<const core::KnowledgeBase> knowledgeBase(const QCommandLineParser &parser);

    int usageError(const QString &message);

private:
    QString m_command;
    QStringList m_arguments;
    QTextStream m_out;
    QTextStream m_err;
};

} // namespace smtpscope::cli
