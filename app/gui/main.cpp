// smtpscope: the desktop workbench.
#include "codereferenceview.h"
#include "decodepane.h"
#include "documentloader.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLineEdit>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTimer>

namespace {

/// A dark palette for screenshots and for checking readability on dark desktops.
QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2e), base(0x1e, 0x1e, 0x21), text(0xe8, 0xe8, 0xe8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x2a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x6f, 0xb4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    p.setColor(QPalette::Mid, QColor(0x44, 0x44, 0x48));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x1a));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x55));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

} // namespace

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
    const QCommandLineOption palette(QStringLiteral("palette"),
        QStringLiteral("Use a \"dark\" or \"light\" palette instead of the system's (also SMTPSCOPE_PALETTE)."),
        QStringLiteral("name"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the window to FILE once everything given has loaded, then quit."),
        QStringLiteral("file"));
    parser.addOptions({ decode, host, domain, tab, search, palette, screenshot });
    parser.addPositionalArgument(QStringLiteral("file"),
        QStringLiteral("Transcripts, logs, bounce messages, mbox files or folders to open."),
        QStringLiteral("[FILE...]"));
    parser.process(app);

    const QString tabName = parser.value(tab);
    if (parser.isSet(tab) && tabName != QLatin1String("decode") && tabName != QLatin1String("reference")
        && tabName != QLatin1String("documents")) {
        qCritical("smtpscope: --tab takes \"documents\", \"decode\" or \"reference\"");
        return 2;
    }
    const QString paletteName
        = parser.isSet(palette) ? parser.value(palette) : qEnvironmentVariable("SMTPSCOPE_PALETTE");
    if (paletteName == QLatin1String("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (paletteName == QLatin1String("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
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
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    if (parser.isSet(tab))
        window.showTab(tabName == QLatin1String("decode") ? smtpscope::ui::MainWindow::DecodeTab
                : tabName == QLatin1String("reference")   ? smtpscope::ui::MainWindow::ReferenceTab
                                                          : smtpscope::ui::MainWindow::DocumentsTab);
    window.show();
    if (parser.isSet(screenshot)) {
        // Poll until every input has loaded, let the layout settle, then grab the window as rendered.
        const QString file = parser.value(screenshot);
        auto *poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, file] {
            if (window.loader() && window.loader()->runningCount() > 0)
                return;
            poll->stop();
            QTimer::singleShot(600, &window, [&window, file] {
                const bool saved = window.grab().save(file, "PNG");
                if (!saved)
                    qCritical("smtpscope: cannot write the screenshot");
                QCoreApplication::exit(saved ? 0 : 1);
            });
        });
        poll->start(100);
    }
    return app.exec();
}
