from inpaintbench.cli import main

main()
