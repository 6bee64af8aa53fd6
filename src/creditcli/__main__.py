from creditcli.cli.entry import main

main()
