from creditcli.cli.app import main

main()
