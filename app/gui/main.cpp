// smtpscope: the desktop workbench.
#include "codereferenceview.h"
#include "decodepane.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLineEdit>

int main(int argc, char **argv)
{
    // --help and --version only print: let them work without a display.
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if ((arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version")
            && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Smtpscope"));
    QApplication::setOrganizationName(QStringLiteral("Smtpscope"));
    QApplication::setApplicationVersion(QStringLiteral(SMTPSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("smtpscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Workbench for SMTP replies, transcripts and bounces."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption decode(QStringLiteral("decode"),
        QStringLiteral("Open \"Decode a reply\" with TEXT pasted (may span several lines)."), QStringLiteral("text"));
    const QCommandLineOption host(QStringLiteral("host"),
        QStringLiteral("With --decode: the remote host that sent the reply."), QStringLiteral("host"));
    const QCommandLineOption domain(
        QStringLiteral("domain"), QStringLiteral("With --decode: the recipient's domain."), QStringLiteral("domain"));
    const QCommandLineOption tab(
        QStringLiteral("tab"), QStringLiteral("Start on a tab: \"decode\" or \"reference\"."), QStringLiteral("tab"));
    const QCommandLineOption search(QStringLiteral("search"),
        QStringLiteral("Open the code reference searching for TEXT, e.g. 5.7.26."), QStringLiteral("text"));
    parser.addOptions({ decode, host, domain, tab, search });
    parser.process(app);

    const QString tabName = parser.value(tab);
    if (parser.isSet(tab) && tabName != QLatin1String("decode") && tabName != QLatin1String("reference")) {
        qCritical("smtpscope: --tab takes \"decode\" or \"reference\"");
        return 2;
    }

    smtpscope::ui::MainWindow window;
    if (auto *pane = window.decodePane()) {
        pane->remoteHostEdit()->setText(parser.value(host));
        pane->recipientDomainEdit()->setText(parser.value(domain));
        if (parser.isSet(decode)) {
            pane->setReplyText(parser.value(decode));
            window.showTab(smtpscope::ui::MainWindow::DecodeTab);
        }
    }
    if (auto *reference = window.codeReference(); reference && parser.isSet(search)) {
        reference->setSearchText(parser.value(search));
        window.showTab(smtpscope::ui::MainWindow::ReferenceTab);
    }
    if (parser.isSet(tab))
        window.showTab(tabName == QLatin1String("decode") ? smtpscope::ui::MainWindow::DecodeTab
                                                          : smtpscope::ui::MainWindow::ReferenceTab);
    window.show();
    return app.exec();
}
